// `shoal update` and a daemon that died and was replaced keep every app as it was: the same process ids,
// statuses (a stopped app stays stopped), restart counts and last exits, in fork and cluster mode, and
// update's summary says what really happened to each app.
import assert from 'node:assert/strict';
import { describe, it } from '../helpers/node-test.js';
import { createHome, fixture, freePort, pidAlive, type ShoalHome, waitFor } from '../helpers/shoal.js';

interface Row {
  id: number;
  name: string;
  status: string;
  restarts: number;
  last_exit: string | null;
}

async function rows(home: ShoalHome): Promise<Row[]> {
  const details = await home.describe('all');
  return details
    .map((d) => ({
      id: d.id,
      name: d.name,
      // A fork process started again by the new daemon may still be coming up.
      status: d.status === 'launching' ? 'online' : d.status,
      restarts: d.restarts,
      last_exit: d.last_exit?.reason ?? null,
    }))
    .sort((a, b) => a.id - b.id);
}

/** A cluster app, a fork app that crashed once (restart count 1, last exit SIGKILL) and a stopped fork app. */
async function startApps(home: ShoalHome): Promise<Row[]> {
  const port = await freePort();
  await home.ok(['start', fixture('http-hello.js'), '--name', 'web', '-i', '2'], {
    env: { PORT: String(port) },
  });
  await home.ok(['start', fixture('forever.js'), '--name', 'crashy']);
  await home.ok(['start', fixture('forever.js'), '--name', 'parked', '-i', '2', '--exec-mode', 'fork']);
  await home.ok(['stop', 'parked']);
  const [crashy] = (await home.list()).filter((p) => p.name === 'crashy');
  process.kill(crashy!.pid!, 'SIGKILL');
  await waitFor('crashy restarted after its crash', async () => {
    const [c] = (await home.list()).filter((p) => p.name === 'crashy');
    return c?.status === 'online' && c.restarts === 1;
  });
  const before = await rows(home);
  assert.deepEqual(
    before.map((r) => [r.name, r.status, r.restarts]),
    [
      ['web', 'online', 0],
      ['web', 'online', 0],
      ['crashy', 'online', 1],
      ['parked', 'stopped', 0],
      ['parked', 'stopped', 0],
    ],
  );
  assert.match(before.find((r) => r.name === 'crashy')!.last_exit ?? '', /SIGKILL/);
  return before;
}

describe('apps across a daemon replacement', () => {
  it('shoal update keeps ids, statuses, restart counts and last exits, and its summary is true', async (t) => {
    const home = createHome(t);
    const before = await startApps(home);
    const res = await home.ok(['update']);
    assert.match(
      res.stdout,
      /web: kept serving, no worker restarted \(2 worker\(s\); ids \d+,\d+ kept, restart counts kept\)/,
    );
    assert.match(
      res.stdout,
      /crashy: fork mode, stopped by the old daemon and started again by the new one \(1 of 1 process\(es\) running; ids \d+ kept, restart counts kept\)/,
    );
    assert.match(
      res.stdout,
      /parked: fork mode, stopped, and left stopped \(ids \d+,\d+ kept, restart counts kept\)/,
    );
    assert.doesNotMatch(res.stdout, /parked: .*started/);
    assert.deepEqual(await rows(home), before);
  });

  it('a daemon that died keeps every app as it was, once the next one has taken over', async (t) => {
    const home = createHome(t);
    const before = await startApps(home);
    const oldDaemon = home.daemonPid()!;
    process.kill(oldDaemon, 'SIGKILL');
    await waitFor('the old daemon gone', () => !pidAlive(oldDaemon));
    // The next command starts a daemon, which takes the apps back.
    assert.deepEqual(await rows(home), before);
    // And the new ids do not collide with the kept ones.
    await home.ok(['start', fixture('forever.js'), '--name', 'later']);
    const later = (await home.list()).find((p) => p.name === 'later')!;
    assert.ok(
      before.every((r) => r.id < later.id),
      `new id ${later.id} above the kept ones`,
    );
  });

  it('a cluster app whose primary died with the daemon comes back with its ids and restart counts', async (t) => {
    const home = createHome(t);
    const port = await freePort();
    await home.ok(['start', fixture('http-hello.js'), '--name', 'web', '-i', '2'], {
      env: { PORT: String(port) },
    });
    await home.ok(['start', fixture('forever.js'), '--name', 'quiet', '-i', '2', '--listen-timeout', '500']);
    await home.ok(['restart', 'web']);
    await home.ok(['stop', 'quiet']);
    const before = await rows(home);
    const primaries = (await home.describe('all')).map((d) => d.primary?.pid ?? null);
    const oldDaemon = home.daemonPid()!;
    process.kill(oldDaemon, 'SIGKILL');
    for (const pid of new Set(primaries)) if (pid !== null) process.kill(pid, 'SIGKILL');
    await waitFor('the old daemon and primaries gone', () =>
      [oldDaemon, ...primaries].every((p) => p === null || !pidAlive(p)),
    );
    const after = await rows(home);
    assert.deepEqual(
      after.map((r) => [r.id, r.name, r.restarts]),
      before.map((r) => [r.id, r.name, r.restarts]),
    );
    assert.deepEqual(
      after.map((r) => [r.name, r.status]),
      [
        ['web', 'online'],
        ['web', 'online'],
        ['quiet', 'stopped'],
        ['quiet', 'stopped'],
      ],
      'the running app runs again, the stopped one stays stopped',
    );
  });
});
