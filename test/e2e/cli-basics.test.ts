// The everyday commands through the real binary: start, ls, describe, stop, restart, delete, ping, kill.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from '../helpers/node-test.js';
import { createHome, fixture, pidAlive, waitFor } from '../helpers/shoal.js';

describe('cli basics', () => {
  it('prints its version without a daemon', async (t) => {
    const home = createHome(t);
    const res = await home.ok(['--version']);
    assert.match(res.stdout.trim(), /^\d+\.\d+\.\d+$/);
    assert.equal(home.daemonPid(), null, 'no daemon started for --version');
  });

  it('starts the daemon on first use, with a private home and socket', async (t) => {
    const home = createHome(t);
    const res = await home.ok(['ping']);
    assert.match(res.stdout, /pong \(daemon pid \d+/);
    const pid = home.daemonPid();
    assert.ok(pid && pidAlive(pid));
    assert.equal(statSync(home.dir).mode & 0o777, 0o700);
    assert.equal(statSync(join(home.dir, 'shoal.sock')).mode & 0o777, 0o600);
    assert.equal(statSync(join(home.dir, 'shoal.pid')).mode & 0o777, 0o600);
    // a second command talks to the same daemon
    await home.ok(['ping']);
    assert.equal(home.daemonPid(), pid);
  });

  it('lists processes with the documented fields and follows stop, restart and delete', async (t) => {
    const home = createHome(t);
    await home.ok(['start', fixture('forever.js'), '--name', 'sleeper']);
    const [p] = await home.list();
    assert.ok(p);
    for (const key of [
      'id',
      'name',
      'mode',
      'instance',
      'pid',
      'status',
      'restarts',
      'uptime',
      'cpu',
      'memory',
    ]) {
      assert.ok(key in p, `ls --json has ${key}`);
    }
    assert.equal(p.name, 'sleeper');
    assert.equal(p.mode, 'fork');
    assert.equal(p.instance, 0);
    assert.equal(p.status, 'online');
    assert.equal(p.restarts, 0);
    assert.ok(p.pid && pidAlive(p.pid));
    await waitFor('memory sampled', async () => ((await home.list())[0]?.memory ?? 0) > 1_000_000);

    const table = await home.ok(['ls']);
    assert.match(table.stdout, /sleeper\s+fork\s+\d+\s+online\s+0/);

    await home.ok(['stop', 'sleeper']);
    const stopped = (await home.list())[0]!;
    assert.equal(stopped.status, 'stopped');
    assert.equal(stopped.pid, null);
    assert.equal(pidAlive(p.pid), false, 'the process is gone after stop');

    await home.ok(['restart', 'sleeper']);
    const restarted = (await home.list())[0]!;
    assert.equal(restarted.status, 'online');
    assert.equal(restarted.restarts, 1);
    assert.notEqual(restarted.pid, p.pid);

    await home.ok(['restart', String(restarted.id)]);
    assert.equal((await home.list())[0]!.restarts, 2);

    await home.ok(['delete', 'sleeper']);
    assert.deepEqual(await home.list(), []);
    assert.equal(pidAlive(restarted.pid!), false);
  });

  it('describes a process, with secrets in env redacted', async (t) => {
    const home = createHome(t);
    await home.ok(['start', fixture('forever.js'), '--name', 'desc']);
    const [d] = await home.describe('desc');
    assert.ok(d);
    assert.equal(d.name, 'desc');
    assert.equal(d.config.script, fixture('forever.js'));
    assert.equal(d.out_log, join(home.dir, 'logs', 'desc-out.log'));
    const text = await home.ok(['describe', 'desc']);
    assert.match(text.stdout, /status\s+online/);
    assert.match(text.stdout, /script\s+.*forever\.js/);
  });

  it('answers an unknown target with a clear error, a code and exit 1', async (t) => {
    const home = createHome(t);
    await home.ok(['start', fixture('forever.js'), '--name', 'known']);
    const res = await home.run(['stop', 'nope']);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /No app, process id or namespace matches "nope"/);
    assert.match(res.stderr, /Running apps: known/);
    assert.match(res.stderr, /SHOAL_ERR_APP_NOT_FOUND/);
    assert.equal((await home.list())[0]!.status, 'online', 'nothing changed');
  });

  it('refuses a missing script without touching what runs', async (t) => {
    const home = createHome(t);
    await home.ok(['start', fixture('forever.js'), '--name', 'keep']);
    const res = await home.run(['start', fixture('does-not-exist.js')]);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /does-not-exist\.js/);
    const list = await home.list();
    assert.equal(list.length, 1);
    assert.equal(list[0]!.status, 'online');
  });

  it('kill stops every app and the daemon', async (t) => {
    const home = createHome(t);
    await home.ok(['start', fixture('forever.js'), '--name', 'a']);
    await home.ok(['start', fixture('forever.js'), '--name', 'b']);
    const pids = (await home.list()).map((p) => p.pid!);
    const daemon = home.daemonPid()!;
    const res = await home.ok(['kill']);
    assert.match(res.stdout, /Stopped 2 process/);
    await waitFor('daemon exit', () => !pidAlive(daemon));
    for (const pid of pids) assert.equal(pidAlive(pid), false);
    // kill without a daemon is not an error
    assert.equal((await home.run(['kill'])).code, 0);
  });

  it('lists an app with autostart off as stopped, and starts it by name', async (t) => {
    const home = createHome(t);
    const file = home.writeProcessFile({
      apps: [
        { name: 'later', script: fixture('forever.js'), autostart: false },
        {
          name: 'laterc',
          script: fixture('http-hello.js'),
          instances: 2,
          autostart: false,
          env: { PORT: '0' },
        },
      ],
    });
    await home.ok(['start', file]);
    const list = await home.list();
    assert.deepEqual(
      list.map((p) => [p.name, p.status, p.pid]),
      [
        ['later', 'stopped', null],
        ['laterc', 'stopped', null],
        ['laterc', 'stopped', null],
      ],
    );
    await home.ok(['start', 'later']);
    await home.ok(['start', 'laterc']);
    const started = await home.list();
    assert.equal(started.length, 3);
    assert.ok(
      started.every((p) => p.status === 'online' && p.pid !== null),
      JSON.stringify(started),
    );
  });

  it('starts several instances in fork mode with their own instance ids', async (t) => {
    const home = createHome(t);
    await home.ok(['start', fixture('forever.js'), '--name', 'many', '-i', '3', '--exec-mode', 'fork']);
    const list = await home.list();
    assert.deepEqual(
      list.map((p) => p.instance),
      [0, 1, 2],
    );
    assert.ok(list.every((p) => p.mode === 'fork' && p.status === 'online'));
    assert.equal(new Set(list.map((p) => p.pid)).size, 3);
  });
});
