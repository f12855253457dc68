// The control socket against requests no CLI would send: names that escape the home or cannot be told
// apart, numbers past every bound, a 100,000-deep JSON value, lines longer than the protocol allows (sent
// in pieces, as a flood), and more connections than a process should hold. Each gets a coded answer, the
// daemon keeps running, and nothing is written outside the home.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { type Socket, connect } from 'node:net';
import { dirname, join } from 'node:path';
import { appFromCli } from '../../src/config/index.js';
import { AppConfigSchema } from '../../src/protocol/app-config.js';
import { describe, it } from '../helpers/node-test.js';
import { createHome, fixture, pidAlive, type ShoalHome, waitFor } from '../helpers/shoal.js';
import { rawClient, within } from '../helpers/unix-socket.js';

const sock = (home: ShoalHome) => join(home.dir, 'shoal.sock');

/** user + system CPU seconds a process has used, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

describe('the control socket against hostile requests', () => {
  it('refuses names and numbers the CLI would refuse, and writes nothing outside the home', async (t) => {
    const home = createHome(t);
    await home.ok(['ping']);
    const pid = home.daemonPid()!;
    const good = AppConfigSchema.parse(
      appFromCli({ script: fixture('forever.js'), name: 'x' }, { cwd: '/' }).apps[0],
    );
    const bad: Record<string, unknown>[] = [
      { name: '../../escape' },
      { name: '../escape' },
      { name: '..' },
      { name: '.' },
      { name: 'all' },
      { name: '__proto__' },
      { name: 'constructor' },
      { name: 'x'.repeat(300) },
      { name: 'esc\u001b[2J' },
      { name: 'a/b' },
      { name: '42' },
      { namespace: '../../ns' },
      { instances: 1e9 },
      { instances: 0 },
      { kill_timeout: 1e12 },
      { min_uptime: 2 ** 31 },
      { restart_delay: -1 },
      { max_restarts: 1e300 },
    ];
    const client = await rawClient(t, sock(home));
    let id = 100;
    for (const change of bad) {
      id += 1;
      client.write(
        `${JSON.stringify({ v: 1, id, type: 'start', apps: [{ ...good, ...change }], cli_env: {} })}\n`,
      );
      const answer = (await within('an answer', 5000, client.nextAnswer())) as {
        id: number;
        ok: boolean;
        error: { code: string; message: string };
      };
      assert.equal(answer.id, id);
      assert.equal(answer.ok, false, JSON.stringify(change));
      assert.equal(answer.error.code, 'SHOAL_ERR_PROTOCOL_INVALID', answer.error.message);
    }
    assert.deepEqual(await home.list(), [], 'nothing registered');
    assert.deepEqual(
      readdirSync(dirname(home.dir)).filter((n) => n.includes('escape')),
      [],
      'no file outside the home',
    );
    assert.equal(home.daemonPid(), pid);
    assert.ok(pidAlive(pid));
    t.diagnostic(`bad inputs tried: ${bad.length}`);
  });

  it('answers a 100,000-deep JSON request with a coded error and keeps running', async (t) => {
    const home = createHome(t);
    await home.ok(['ping']);
    const client = await rawClient(t, sock(home));
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    client.write(`{"v":1,"id":5,"type":"start","apps":${deep},"cli_env":{}}\n`);
    const answer = (await within('an answer', 10_000, client.nextAnswer())) as {
      id: number;
      error: { code: string };
    };
    assert.equal(answer.id, 5);
    assert.equal(answer.error.code, 'SHOAL_ERR_PROTOCOL_INVALID');
    assert.match((await home.ok(['ping'])).stdout, /pong/);
  });

  it('frames a flood of 8 MB lines in linear time and answers an over-long one with its code', async (t) => {
    const home = createHome(t);
    await home.ok(['ping']);
    const pid = home.daemonPid()!;
    const before = cpuSeconds(pid);
    const chunk = 'x'.repeat(64 * 1024);
    const lines = 10;
    for (let i = 0; i < lines; i++) {
      const client = await rawClient(t, sock(home));
      // Just under 8 MiB, in 64 KiB pieces: the daemon used to rescan the whole line at every piece.
      for (let k = 0; k < 127; k++) client.write(chunk);
      client.write('\n');
      const answer = (await within('an answer', 20_000, client.nextAnswer())) as { error: { code: string } };
      assert.equal(answer.error.code, 'SHOAL_ERR_PROTOCOL_INVALID', 'not JSON');
      client.socket.destroy();
    }
    const spent = cpuSeconds(pid) - before;
    t.diagnostic(`daemon CPU for ${lines} lines of 8 MB: ${spent.toFixed(2)} s`);
    assert.ok(spent < lines * 0.25, `linear framing: ${spent.toFixed(2)} s of CPU for ${lines} lines`);

    const long = await rawClient(t, sock(home));
    for (let k = 0; k < 130; k++) long.write(chunk);
    const answer = (await within('an answer', 20_000, long.nextAnswer())) as { error: { code: string } };
    assert.equal(answer.error.code, 'SHOAL_ERR_REQUEST_TOO_LARGE');
    await within('the connection closed', 10_000, long.closed);
    assert.match((await home.ok(['ping'])).stdout, /pong/);
  });

  it('caps connections with a coded answer, closes idle ones, and the apps never notice', async (t) => {
    const home = createHome(t);
    await home.ok(['start', fixture('forever.js'), '--name', 'steady'], {
      env: { SHOAL_CONTROL_IDLE_TIMEOUT_MS: '1500' },
    });
    const held: Socket[] = [];
    t.after(() => {
      for (const s of held) s.destroy();
    });
    const answers: string[] = [];
    for (let i = 0; i < 300; i++) {
      const s = connect(sock(home));
      s.on('error', () => {});
      s.setEncoding('utf8');
      s.on('data', (d: string) => answers.push(d));
      held.push(s);
    }
    await waitFor('44 connections refused with SHOAL_ERR_BUSY', () =>
      answers.filter((a) => a.includes('SHOAL_ERR_BUSY')).length >= 44 ? true : null,
    );
    assert.equal(answers.filter((a) => a.includes('SHOAL_ERR_BUSY')).length, 44);
    // Idle: every connection that said nothing is closed by the daemon within its idle time.
    await waitFor('idle connections closed', () => held.every((s) => s.destroyed || s.readableEnded), {
      timeoutMs: 15_000,
    });
    const [p] = await home.list();
    assert.equal(p!.status, 'online');
    assert.equal(p!.restarts, 0);
    t.diagnostic('bad inputs tried: 300 connections');
  });
});
