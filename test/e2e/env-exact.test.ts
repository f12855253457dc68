// Environment updates are exact in both modes: after `restart --update-env`, a variable that is gone from
// the shell is gone from every process, cluster workers included (read from /proc/<pid>/environ), and
// `shoal env` prints what the processes really have.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { describe, it } from '../helpers/node-test.js';
import { createHome, fixture } from '../helpers/shoal.js';

function environOf(pid: number): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

const linuxOnly = process.platform === 'linux' ? false : 'reads /proc/<pid>/environ, which only Linux has';

describe('exact environment after restart --update-env and a reloaded process file', {
  skip: linuxOnly,
}, () => {
  for (const mode of ['fork', 'cluster'] as const) {
    it(`removes a variable gone from the shell from every ${mode} process`, async (t) => {
      const home = createHome(t);
      const modeFlags = mode === 'cluster' ? ['-i', '2'] : ['-i', '2', '--exec-mode', 'fork'];
      await home.ok(
        ['start', fixture('forever.js'), '--name', 'envy', '--listen-timeout', '1500', ...modeFlags],
        {
          env: { OLD_SECRET: 'first-value', KEPT_SETTING: 'one' },
        },
      );
      const before = await home.list();
      assert.equal(before.length, 2);
      for (const p of before) assert.equal(environOf(p.pid!).OLD_SECRET, 'first-value');

      // The harness passes the test runner's own env plus `env`: OLD_SECRET is simply not there now.
      await home.ok(['restart', 'envy', '--update-env'], { env: { KEPT_SETTING: 'two' } });
      const after = await home.list();
      assert.equal(after.length, 2);
      for (const p of after) {
        assert.ok(!before.some((b) => b.pid === p.pid), `process ${p.id} was restarted`);
        const real = environOf(p.pid!);
        assert.equal(real.OLD_SECRET, undefined, `OLD_SECRET is gone from pid ${p.pid}`);
        assert.equal(real.KEPT_SETTING, 'two', `KEPT_SETTING has its new value in pid ${p.pid}`);
      }

      const shown = JSON.parse((await home.ok(['env', 'envy', '--json'])).stdout) as Array<{
        id: number;
        env: Record<string, string>;
        source: string;
      }>;
      assert.equal(shown.length, 2);
      for (const p of shown) {
        assert.equal(p.source, 'process', 'read from the running process');
        const pid = after.find((a) => a.id === p.id)!.pid!;
        assert.deepEqual(Object.keys(p.env).sort(), Object.keys(environOf(pid)).sort());
        assert.equal(p.env.OLD_SECRET, undefined);
      }
    });
  }

  it('removes a shell variable from every cluster worker on reload <file> --update-env, and keeps it without', async (t) => {
    const home = createHome(t);
    const file = join(home.dir, 'ecosystem.config.js');
    const apps = [{ name: 'envy', script: fixture('forever.js'), instances: 2, listen_timeout: 1500 }];
    writeFileSync(file, `module.exports = ${JSON.stringify({ apps })};\n`);
    await home.ok(['start', file], { env: { SHELL_SECRET: 'first-value' } });
    const workers = async () => (await home.list()).map((p) => environOf(p.pid!));

    await home.ok(['reload', file]);
    for (const env of await workers())
      assert.equal(env.SHELL_SECRET, 'first-value', 'without --update-env the base env stays');
    await home.ok(['reload', file, '--update-env']);
    const after = await workers();
    assert.equal(after.length, 2);
    for (const env of after) assert.equal(env.SHELL_SECRET, undefined, 'gone with --update-env');
  });

  it('keeps NODE_EXTRA_CA_CERTS for the apps but out of the daemon and the primary, which open no TLS connection', async (t) => {
    const home = createHome(t);
    // A real certificate file: Node warns at start-up about one it cannot load.
    const certs = join(home.dir, 'extra-ca.pem');
    writeFileSync(certs, `${rootCertificates[0]}\n`);
    const env = { NODE_EXTRA_CA_CERTS: certs };
    await home.ok(
      ['start', fixture('forever.js'), '--name', 'clustered', '-i', '1', '--listen-timeout', '1500'],
      { env },
    );
    await home.ok(['start', fixture('forever.js'), '--name', 'forked', '--exec-mode', 'fork'], { env });
    const rows = await home.list();
    assert.equal(rows.length, 2);
    for (const p of rows)
      assert.equal(environOf(p.pid!).NODE_EXTRA_CA_CERTS, certs, `${p.name} (pid ${p.pid}) has the variable`);
    const [described] = await home.describe('clustered');
    const primary = described?.primary_pid;
    assert.ok(primary, 'the cluster app has a primary');
    assert.equal(environOf(primary).NODE_EXTRA_CA_CERTS, undefined, 'not in the primary');
    assert.equal(environOf(home.daemonPid()!).NODE_EXTRA_CA_CERTS, undefined, 'not in the daemon');
  });
});
