// The daemon and the cluster primaries it does not own: a primary that refuses this daemon (another
// Shoal version, or stuck) never keeps the daemon from serving every other app, is reported with what to
// do, and is stopped on delete; a primary that keeps dying is restarted by the app's policy until it
// gives up, and describe says why it restarted.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { describe, it } from '../helpers/node-test.js';
import { AppConfigSchema } from '../../src/protocol/app-config.js';
import { processStartTime } from '../../src/supervision/process-tree.js';
import {
  createHome,
  FIXTURES,
  fixture,
  freePort,
  pidAlive,
  type ShoalHome,
  waitFor,
} from '../helpers/shoal.js';

/** Starts a stand-in primary on the socket a spec file names, and writes that spec into the home. */
async function plantPrimary(t: TestContext, home: ShoalHome, name: string, mode: 'error' | 'silent') {
  const run = join(home.dir, 'run');
  mkdirSync(run, { recursive: true, mode: 0o700 });
  const socket = join(run, `${name}.sock`);
  const child = spawn(process.execPath, [fixture('stand-in-primary.mjs'), socket, mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('listening') && resolve());
    child.once('exit', (code) => reject(new Error(`stand-in exited with ${code}`)));
  });
  const app = AppConfigSchema.parse({
    name,
    script: fixture('http-hello.js'),
    cwd: FIXTURES,
    interpreter: 'node',
    exec_mode: 'cluster',
    instances: 2,
  });
  const spec = {
    version: 1,
    app,
    cli_env: {},
    home: home.dir,
    socket,
    slots: [
      { id: 0, instance: 0 },
      { id: 1, instance: 1 },
    ],
    restarts: {},
    primary: { pid: child.pid!, start_time: processStartTime(child.pid!) },
  };
  writeFileSync(join(run, `${name}.spec.json`), JSON.stringify(spec), { mode: 0o600 });
  return child;
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });

async function checkUnmanaged(t: TestContext, mode: 'error' | 'silent', why: RegExp) {
  const home = createHome(t);
  const standIn = await plantPrimary(t, home, 'legacy', mode);
  const port = await freePort();
  // The first command starts the daemon, which finds the planted primary while it recovers.
  await home.ok(['start', fixture('http-hello.js'), '--name', 'fresh', '-i', '2'], {
    env: { PORT: String(port) },
  });

  const list = await home.list();
  const legacy = list.filter((p) => p.name === 'legacy');
  assert.equal(legacy.length, 2, 'both slots of the refused app are listed');
  for (const p of legacy) {
    assert.equal(p.status, 'errored');
    assert.match(p.status_reason, /cannot be managed by this daemon/);
    assert.match(p.status_reason, /shoal delete legacy/);
  }
  const fresh = list.filter((p) => p.name === 'fresh');
  assert.equal(fresh.length, 2);
  assert.ok(fresh.every((p) => p.status === 'online'));
  assert.equal(await (await fetch(`http://127.0.0.1:${port}/`)).status, 200, 'the other app serves');

  const [detail] = await home.describe('legacy');
  assert.match(detail!.primary?.problem ?? '', why);
  assert.equal(detail!.primary?.pid, standIn.pid);

  const reload = await home.run(['reload', 'legacy']);
  assert.equal(reload.code, 1);
  assert.match(reload.stderr, /SHOAL_ERR_PRIMARY_UNMANAGED/);
  assert.ok(pidAlive(standIn.pid!), 'the refused primary is left serving');

  await home.ok(['delete', 'legacy']);
  assert.equal(await exited(standIn), 0, 'delete stopped it gracefully (SIGTERM)');
  assert.deepEqual(
    (await home.list()).map((p) => p.name),
    ['fresh', 'fresh'],
  );
}

describe('cluster primaries', () => {
  it('comes up serving every other app when a primary answers every request with an error', async (t) => {
    await checkUnmanaged(t, 'error', /answered with an error: .*protocol 7/);
  });

  it('comes up serving every other app when a primary never answers', async (t) => {
    await checkUnmanaged(t, 'silent', /did not answer within 5 s/);
  });

  it('restarts a dying primary by the restart policy, says why in describe, and gives up on a crash loop', async (t) => {
    const home = createHome(t);
    const port = await freePort();
    // Every run counts as unstable (min_uptime 60 s): the third death is one more than max_restarts allows.
    await home.ok(
      [
        'start',
        fixture('http-hello.js'),
        '--name',
        'web',
        '-i',
        '2',
        '--min-uptime',
        '60s',
        '--max-restarts',
        '2',
      ],
      { env: { PORT: String(port) } },
    );
    const primaries: number[] = [];
    for (let round = 1; round <= 2; round++) {
      const [before] = await home.describe('web');
      const pid = before!.primary_pid!;
      primaries.push(pid);
      process.kill(pid, 'SIGKILL');
      const after = await waitFor(`a new primary after kill ${round}`, async () => {
        const d = await home.describe('web');
        return d.length === 2 &&
          d.every(
            (p) => p.status === 'online' && p.primary_pid !== null && !primaries.includes(p.primary_pid),
          )
          ? d
          : null;
      });
      for (const p of after) {
        assert.equal(p.primary?.restarts, round);
        assert.equal(p.primary?.last_restart_reason, 'cluster primary killed by SIGKILL');
        assert.equal(p.last_restart_reason, 'cluster primary killed by SIGKILL');
        assert.equal(p.restarts, round);
      }
    }
    const [last] = await home.describe('web');
    process.kill(last!.primary_pid!, 'SIGKILL');
    const gaveUp = await waitFor('errored after the third death', async () => {
      const l = await home.list();
      return l.length === 2 && l.every((p) => p.status === 'errored') ? l : null;
    });
    for (const p of gaveUp) assert.match(p.status_reason, /cluster primary killed by SIGKILL; crash loop/);
    const text = await home.ok(['describe', 'web']);
    assert.match(text.stdout, /primary/);
    assert.match(text.stdout, /killed by SIGKILL/);
  });
});
