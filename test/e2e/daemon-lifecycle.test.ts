// The daemon can die or be replaced without taking cluster apps down: their primaries keep serving, and
// the next daemon takes them back with the same workers and counts. Fork-mode apps, children of the
// daemon itself, are stopped and started again, never duplicated.
import assert from 'node:assert/strict';
import { describe, it } from '../helpers/node-test.js';
import { startLoad } from '../helpers/load.js';
import { createHome, fixture, freePort, pidAlive, waitFor } from '../helpers/shoal.js';

describe('daemon lifecycle', () => {
  it('keeps a cluster app serving through a daemon kill -9, and the next daemon re-attaches without restarts', async (t) => {
    const home = createHome(t);
    const port = await freePort();
    await home.ok(['start', fixture('http-hello.js'), '--name', 'web', '-i', '2'], {
      env: { PORT: String(port) },
    });
    const before = await home.list();
    const load = startLoad({ port, clients: 8, keepAlive: true, maxDurationMs: 60_000 });
    t.after(() => load.stop());
    await load.waitForResponses(200);
    const daemon = home.daemonPid()!;
    process.kill(daemon, 'SIGKILL');
    await waitFor('daemon gone', () => !pidAlive(daemon));
    await load.waitForResponses(load.ok + 500);

    // While no daemon runs, the primary still replaces a crashed worker.
    process.kill(before[0]!.pid!, 'SIGKILL');
    await load.waitForResponses(load.ok + 500);

    const after = await home.list(); // starts a new daemon, which takes the primary back
    assert.notEqual(home.daemonPid(), daemon);
    assert.equal(after.length, 2);
    assert.equal(after[1]!.pid, before[1]!.pid, 'the untouched worker kept its pid');
    assert.equal(after[1]!.restarts, 0);
    assert.notEqual(after[0]!.pid, before[0]!.pid);
    assert.equal(after[0]!.restarts, 1, 'the crash during the daemon outage is counted');
    assert.deepEqual(
      after.map((p) => p.id),
      before.map((p) => p.id),
      'ids are kept',
    );
    assert.ok(after.every((p) => p.status === 'online'));

    const res = await load.stop();
    // The killed worker's in-flight requests are the only ones that may fail.
    assert.ok(res.failed <= 8, `failures: ${JSON.stringify(res.errors)}`);
    // and the re-attached app is fully manageable
    await home.ok(['reload', 'web']);
    const reloaded = await home.list();
    assert.equal(reloaded.length, 2);
    assert.ok(reloaded.every((p) => p.status === 'online' && p.restarts >= 1));
  });

  it('fails no request during a daemon kill -9 when no worker dies', async (t) => {
    const home = createHome(t);
    const port = await freePort();
    await home.ok(['start', fixture('http-hello.js'), '--name', 'web', '-i', '2'], {
      env: { PORT: String(port) },
    });
    const load = startLoad({ port, clients: 8, keepAlive: true, maxDurationMs: 60_000 });
    t.after(() => load.stop());
    await load.waitForResponses(200);
    process.kill(home.daemonPid()!, 'SIGKILL');
    await load.waitForResponses(load.ok + 500);
    await home.ok(['ping']);
    await load.waitForResponses(load.ok + 300);
    const res = await load.stop();
    assert.equal(res.failed, 0, JSON.stringify(res.errors));
  });

  it('shoal update replaces the daemon under load: cluster workers keep their pids, fork apps restart once', async (t) => {
    const home = createHome(t);
    const port = await freePort();
    await home.ok(['start', fixture('http-hello.js'), '--name', 'web', '-i', '2'], {
      env: { PORT: String(port) },
    });
    await home.ok(['start', fixture('forever.js'), '--name', 'forky']);
    const before = await home.list();
    const oldDaemon = home.daemonPid()!;
    const load = startLoad({ port, clients: 8, keepAlive: false, maxDurationMs: 60_000 });
    t.after(() => load.stop());
    await load.waitForResponses(200);
    const res = await home.ok(['update']);
    assert.match(res.stdout, /web: kept serving, no worker restarted/);
    assert.match(
      res.stdout,
      /forky: fork mode, stopped by the old daemon and started again by the new one \(1 of 1 process\(es\) running; ids \d+ kept, restart counts kept\)/,
    );
    assert.notEqual(home.daemonPid(), oldDaemon);
    assert.equal(pidAlive(oldDaemon), false);
    await load.waitForResponses(load.ok + 300);
    const result = await load.stop();
    assert.equal(result.failed, 0, JSON.stringify(result.errors));
    const after = await home.list();
    const web = (l: typeof after) => l.filter((p) => p.name === 'web').map((p) => p.pid);
    assert.deepEqual(web(after), web(before));
    const forkBefore = before.find((p) => p.name === 'forky')!;
    const forkAfter = after.filter((p) => p.name === 'forky');
    assert.equal(forkAfter.length, 1);
    assert.equal(forkAfter[0]!.status, 'online');
    assert.equal(pidAlive(forkBefore.pid!), false);
  });

  it('stops the orphans of a fork app after a daemon kill -9 and runs exactly one copy again', async (t) => {
    const home = createHome(t);
    await home.ok(['start', fixture('ignore-signals.js'), '--name', 'stubborn', '--kill-timeout', '500']);
    const [before] = await home.list();
    process.kill(home.daemonPid()!, 'SIGKILL');
    assert.ok(pidAlive(before!.pid!), 'the orphan outlives the daemon');
    const after = await home.list();
    assert.equal(after.length, 1);
    assert.notEqual(after[0]!.pid, before!.pid);
    await waitFor('orphan stopped', () => !pidAlive(before!.pid!));
  });

  it('does not bring apps back after shoal kill', async (t) => {
    const home = createHome(t);
    await home.ok(['start', fixture('forever.js'), '--name', 'gone']);
    await home.ok(['kill']);
    assert.deepEqual(await home.list(), []);
  });
});
