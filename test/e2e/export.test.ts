// `shoal export` through the real CLI: systemd units that `systemd-analyze verify` accepts without a
// complaint, Kubernetes YAML that Kubernetes' schemas accept, and a clear error for what is not a
// process file. The mappings themselves are checked in test/unit/export-mappings.test.ts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Service } from 'kubernetes-models/v1/Service';
import { parseAllDocuments } from 'yaml';
import { describe, it } from '../helpers/node-test.js';
import { createHome, fixture, type ShoalHome } from '../helpers/shoal.js';

const SYSTEMD_ANALYZE = spawnSync('systemd-analyze', ['--version']).status === 0;

function processFile(home: ShoalHome): string {
  const file = join(home.dir, 'ecosystem.json');
  writeFileSync(
    file,
    JSON.stringify({
      apps: [
        {
          name: 'web',
          script: fixture('http-hello.js'),
          instances: 2,
          env: { PORT: '3000', GREETING: '100% "quoted" $HOME' },
          max_memory_restart: '200M',
          health_check: { path: '/' },
        },
        {
          name: 'jobs',
          script: fixture('forever.js'),
          exec_mode: 'fork',
          instances: 2,
          kill_signal: 'SIGTERM',
        },
        { name: 'once', script: fixture('forever.js'), autorestart: false, stop_exit_codes: [0, 3] },
      ],
    }),
  );
  return file;
}

describe('shoal export', () => {
  it('writes systemd units that systemd-analyze verify accepts', {
    skip: SYSTEMD_ANALYZE ? false : 'systemd-analyze not installed (Debian package "systemd")',
  }, async (t) => {
    const home = createHome(t);
    const file = processFile(home);
    const dir = join(home.dir, 'units');
    const res = await home.ok(['export', 'systemd', file, '--dir', dir]);
    assert.match(res.stdout, /systemctl enable --now shoal-jobs@1\.service/);
    const units = readdirSync(dir).sort();
    assert.deepEqual(units, ['shoal-jobs@.service', 'shoal-once.service', 'shoal-web.service']);
    // A template is verified through one of its instances.
    const paths = units.map((u) => join(dir, u));
    const verify = spawnSync('systemd-analyze', ['verify', ...paths], { encoding: 'utf8', cwd: dir });
    // verify exits 0 on mere warnings (unknown keys, bad values), so its output must be empty too.
    const complaints = `${verify.stdout}${verify.stderr}`
      .split('\n')
      .filter((l) => /shoal-|ignoring|unknown|invalid|failed/i.test(l));
    assert.equal(verify.status, 0, `${verify.stdout}${verify.stderr}`);
    assert.deepEqual(complaints, []);
  });

  it('prints Kubernetes YAML that Kubernetes schemas accept', async (t) => {
    const home = createHome(t);
    const res = await home.ok(['export', 'kubernetes', processFile(home), '--image', 'shop:1']);
    const docs = parseAllDocuments(res.stdout).map((d) => d.toJS() as { kind: string });
    assert.deepEqual(
      docs.map((d) => d.kind),
      ['Deployment', 'Service', 'Deployment', 'Deployment'],
    );
    for (const d of docs) {
      if (d.kind === 'Deployment') new Deployment(d as never).validate();
      else new Service(d as never).validate();
    }
  });

  it('refuses what is not a process file, with a coded error', async (t) => {
    const home = createHome(t);
    const res = await home.run(['export', 'compose', fixture('forever.js')]);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /not a process file.*\[SHOAL_ERR_CONFIG_INVALID\]/);
    const bad = await home.run(['export', 'helm', fixture('forever.js')]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /kubernetes, systemd, compose/);
  });
});
