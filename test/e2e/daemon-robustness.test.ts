// The daemon survives misbehaving apps and clients, replaces a dead predecessor, and refuses other versions clearly.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, it } from '../helpers/node-test.js';
import { BIN, createHome, fixture, pidAlive, waitFor } from '../helpers/shoal.js';

/** Sends payload on a fresh connection and resolves with the first line of the answer, bounded. */
function exchange(socketPath: string, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(socketPath);
    let data = '';
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`no answer line within 5 s to ${payload.trim()}; got ${JSON.stringify(data)}`));
    }, 5000);
    s.on('data', (d) => {
      data += d;
      if (data.includes('\n')) {
        clearTimeout(timer);
        s.destroy();
        resolve(data);
      }
    });
    s.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    s.on('connect', () => s.write(payload));
  });
}

describe('daemon robustness', () => {
  it('answers garbage with an error and keeps running', async (t) => {
    const home = createHome(t);
    await home.ok(['ping']);
    const sock = join(home.dir, 'shoal.sock');
    const notJson = await exchange(sock, 'this is not json\n');
    assert.match(notJson, /SHOAL_ERR_PROTOCOL_INVALID/);
    const badShape = await exchange(sock, '{"hello":1}\n');
    assert.match(badShape, /SHOAL_ERR_PROTOCOL_INVALID/);
    const badPayload = await exchange(sock, '{"v":1,"id":7,"type":"start","apps":[{"name":3}]}\n');
    assert.match(badPayload, /"id":7/);
    assert.match(badPayload, /SHOAL_ERR_PROTOCOL_INVALID/);
    const unknown = await exchange(sock, '{"v":1,"id":8,"type":"format-disk"}\n');
    assert.match(unknown, /Unknown request type/);
    assert.equal((await home.run(['ping'])).code, 0);
  });

  it('tells a client of another protocol version what to do instead of hanging', async (t) => {
    const home = createHome(t);
    await home.ok(['ping']);
    const answer = await exchange(
      join(home.dir, 'shoal.sock'),
      '{"v":99,"id":1,"type":"hello","client_version":"9.0.0","client_protocol":99}\n',
    );
    const res = JSON.parse(answer) as {
      ok: boolean;
      error: { code: string; message: string; details: Record<string, unknown> };
    };
    assert.equal(res.ok, false);
    assert.equal(res.error.code, 'SHOAL_ERR_PROTOCOL_VERSION');
    assert.equal(res.error.details.daemon_protocol, 1);
  });

  it('replaces a daemon killed with SIGKILL, leaving a stale socket and pid file', async (t) => {
    const home = createHome(t);
    await home.ok(['ping']);
    const old = home.daemonPid()!;
    process.kill(old, 'SIGKILL');
    await waitFor('old daemon gone', () => !pidAlive(old));
    const res = await home.ok(['ping']);
    assert.match(res.stdout, /pong/);
    const fresh = home.daemonPid()!;
    assert.notEqual(fresh, old);
    assert.ok(pidAlive(fresh));
  });

  it('starts when the pid file names a dead process and the socket file is junk', async (t) => {
    const home = createHome(t);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(home.dir, { recursive: true, mode: 0o700 });
    writeFileSync(join(home.dir, 'shoal.pid'), '999999\n');
    writeFileSync(join(home.dir, 'shoal.sock'), 'junk');
    assert.equal((await home.run(['ping'])).code, 0);
  });

  it('runs one daemon when many commands and a foreground daemon start it at the same instant', async (t) => {
    const home = createHome(t);
    const foreground = spawn(process.execPath, [BIN, 'daemon', '--foreground'], {
      env: home.env(),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    t.after(() => foreground.kill('SIGKILL'));
    let foregroundErr = '';
    foreground.stderr?.on('data', (d) => {
      foregroundErr += d;
    });
    // 'close' comes after the process exited and its stderr was read to the end.
    const closed = new Promise<number | null>((r) => foreground.once('close', (code) => r(code)));
    const pings = await Promise.all(Array.from({ length: 6 }, () => home.run(['ping', '--json'])));
    const pids = new Set(
      pings.map((p) => {
        assert.equal(p.code, 0, p.stderr);
        return (JSON.parse(p.stdout) as { pid: number }).pid;
      }),
    );
    assert.equal(pids.size, 1, `every command reached the same daemon, not ${[...pids].join(', ')}`);
    const [pid] = [...pids] as [number];
    assert.equal(home.daemonPid(), pid);
    if (pid !== foreground.pid) {
      const code = await closed;
      assert.equal(code, 3, 'the foreground daemon that lost the race exits 3');
      // It lost either before starting (the CLI saw the winner answer) or while starting (the home lock).
      assert.match(
        foregroundErr,
        /another daemon serves .* this one exits|a daemon already serves .* stop it/,
      );
    }
    // The losers gave way before doing anything: the log shows exactly one start.
    const starts = () =>
      readFileSync(join(home.dir, 'shoal.log'), 'utf8')
        .split('\n')
        .filter((l) => l.includes(' daemon.started '));
    await waitFor('the start to be logged', () => starts().length > 0);
    assert.equal(starts().length, 1, starts().join('\n'));
  });

  it('keeps running while apps throw, flood output, exit in a loop and ignore SIGINT', async (t) => {
    const home = createHome(t);
    const thrower = join(home.dir, 'throw.js');
    writeFileSync(thrower, "setTimeout(() => { throw new Error('boom'); }, 50);");
    await home.ok([
      'start',
      thrower,
      '--name',
      'thrower',
      '--no-wait',
      '--max-restarts',
      '3',
      '--interpreter',
      'node',
    ]);
    await home.ok(['start', fixture('print-lines.js'), '--name', 'flood', '--no-wait', '--', '100000']);
    await home.ok([
      'start',
      fixture('exit-code.js'),
      '--name',
      'looper',
      '--no-wait',
      '--max-restarts',
      '5',
      '--',
      '1',
    ]);
    await home.ok(['start', fixture('ignore-signals.js'), '--name', 'stubborn', '--kill-timeout', '300']);
    await waitFor(
      'thrower errored',
      async () => (await home.list()).find((p) => p.name === 'thrower')?.status === 'errored',
    );
    await waitFor(
      'looper errored',
      async () => (await home.list()).find((p) => p.name === 'looper')?.status === 'errored',
    );
    const [d] = await home.describe('thrower');
    assert.ok(d!.recent_stderr.some((l) => l.includes('Error: boom')));
    await home.ok(['stop', 'all']);
    const list = await home.list();
    assert.equal(list.length, 4);
    assert.ok(list.every((p) => p.status === 'stopped' || p.status === 'errored'));
    assert.equal((await home.run(['ping'])).code, 0);
  });
});
