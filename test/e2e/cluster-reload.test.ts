// Zero-downtime reload of an unmodified app: repeated reloads under continuous load, with keep-alive,
// with a new connection per request, and with slow requests in flight, must fail zero requests. A
// reload whose new code cannot start stops and leaves the old workers serving.
import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from '../helpers/node-test.js';
import { startLoad } from '../helpers/load.js';
import { createHome, fixture, freePort, waitFor } from '../helpers/shoal.js';

const RELOADS = 3;

const cases = [
  { label: 'keep-alive load', keepAlive: true, delayMs: 0 },
  { label: 'a new connection per request', keepAlive: false, delayMs: 0 },
  { label: 'keep-alive load with 200 ms requests in flight', keepAlive: true, delayMs: 200 },
] as const;

describe('cluster reload', () => {
  for (const c of cases) {
    it(`fails no request over ${RELOADS} reloads under ${c.label}`, async (t) => {
      const home = createHome(t);
      const port = await freePort();
      await home.ok(['start', fixture('http-hello.js'), '--name', 'web', '-i', '2'], {
        env: { PORT: String(port), DELAY_MS: String(c.delayMs) },
      });
      const load = startLoad({ port, clients: 8, keepAlive: c.keepAlive, maxDurationMs: 120_000 });
      t.after(() => load.stop());
      await load.waitForResponses(c.delayMs > 0 ? 40 : 300);
      for (let i = 0; i < RELOADS; i++) {
        const before = (await home.list()).map((p) => p.pid!);
        const res = await home.ok(['reload', 'web']);
        assert.match(res.stderr, /reloaded 2 worker/);
        const after = await home.list();
        assert.equal(after.length, 2);
        assert.ok(
          after.every((p) => p.status === 'online' && !before.includes(p.pid!)),
          'every worker replaced',
        );
        // keep the load going between reloads so each reload starts under traffic
        await load.waitForResponses(load.ok + (c.delayMs > 0 ? 20 : 200));
      }
      const res = await load.stop();
      assert.equal(res.failed, 0, `failed requests: ${JSON.stringify(res.errors)} of ${res.ok + res.failed}`);
      const final = await home.list();
      assert.equal(final.length, 2);
      assert.ok(
        final.every((p) => p.restarts === RELOADS),
        'reload counts as a restart of each worker',
      );
    });
  }

  it('stops a reload whose new code fails to start, keeps the old workers serving, and says why', async (t) => {
    const home = createHome(t);
    const port = await freePort();
    const script = join(home.dir, 'app.js');
    copyFileSync(fixture('http-hello.js'), script);
    writeFileSync(join(home.dir, 'package.json'), '{"type":"commonjs"}');
    await home.ok(['start', script, '--name', 'web', '-i', '2', '--listen-timeout', '3000'], {
      env: { PORT: String(port) },
    });
    const before = await home.list();
    assert.equal(before.length, 2);
    const load = startLoad({ port, clients: 4, keepAlive: true, maxDurationMs: 60_000 });
    t.after(() => load.stop());
    await load.waitForResponses(100);

    copyFileSync(fixture('broken-app.js'), script);
    const res = await home.run(['reload', 'web']);
    assert.notEqual(res.code, 0);
    assert.match(res.stderr, /Reload of web stopped/);
    assert.match(res.stderr, /old workers keep serving/);
    assert.match(res.stderr, /broken build: cannot start/);
    assert.match(res.stderr, /SHOAL_ERR_RELOAD_FAILED/);

    const after = await home.list();
    assert.deepEqual(
      after.map((p) => p.pid),
      before.map((p) => p.pid),
      'old workers untouched',
    );
    assert.ok(after.every((p) => p.status === 'online'));
    await load.waitForResponses(load.ok + 100);
    const result = await load.stop();
    assert.equal(result.failed, 0, JSON.stringify(result.errors));
  });

  it('waits for the ready signal with wait_ready before replacing the next worker', async (t) => {
    const home = createHome(t);
    const script = join(home.dir, 'slow-ready.js');
    writeFileSync(
      script,
      "require('http').createServer((q, s) => s.end('ok')).listen(0, () => setTimeout(() => process.send('ready'), 600));",
    );
    await home.ok(['start', script, '--name', 'slow', '-i', '2', '--wait-ready', '--interpreter', 'node']);
    const t0 = Date.now();
    await home.ok(['reload', 'slow']);
    const took = Date.now() - t0;
    assert.ok(took >= 1200, `two workers each waited for their ready signal (${took} ms)`);
    const list = await home.list();
    assert.equal(list.length, 2);
    assert.ok(list.every((p) => p.status === 'online' && p.restarts === 1));
    const [d] = await home.describe('slow');
    assert.match(d!.status_reason, /ready signal/);
  });

  it('fails a reload whose new worker never signals ready with wait_ready', async (t) => {
    const home = createHome(t);
    const script = join(home.dir, 'never-ready.js');
    writeFileSync(
      script,
      "require('http').createServer((q, s) => s.end('ok')).listen(0); if (process.env.READY !== 'no') process.send('ready');",
    );
    await home.ok([
      'start',
      script,
      '--name',
      'nr',
      '-i',
      '2',
      '--wait-ready',
      '--listen-timeout',
      '1000',
      '--interpreter',
      'node',
    ]);
    const before = await home.list();
    assert.equal(before.length, 2);
    await home.ok(['restart', 'nr', '--update-env'], { env: { READY: 'no' } }).catch(() => {});
    // after restart with READY=no the workers come up without signalling; they count as online after
    // listen_timeout, but a reload must refuse to treat that as ready
    await waitFor('both workers online again', async () => {
      const list = await home.list();
      return list.length === 2 && list.every((p) => p.status === 'online');
    });
    const res = await home.run(['reload', 'nr']);
    assert.notEqual(res.code, 0);
    assert.match(res.stderr, /was not ready within listen_timeout/);
  });

  it('counts a worker of an app that never listens as ready after listen_timeout, and says so', async (t) => {
    const home = createHome(t);
    await home.ok([
      'start',
      fixture('forever.js'),
      '--name',
      'consumer',
      '-i',
      '2',
      '--listen-timeout',
      '800',
    ]);
    const before = await home.list();
    const res = await home.ok(['reload', 'consumer']);
    // What the reload did is a note (stderr); stdout is the process table.
    assert.match(
      res.stderr,
      /consumer: reloaded 2 worker\(s\) one by one in \d+ ms \(2 counted as ready because still alive after listen_timeout \(800 ms\): the app never listens\)/,
    );
    const after = await home.list();
    assert.ok(after.every((p) => p.status === 'online' && !before.some((b) => b.pid === p.pid)));
  });

  it('says that the new workers were ready by listening', async (t) => {
    const home = createHome(t);
    const port = await freePort();
    await home.ok(['start', fixture('http-hello.js'), '--name', 'web', '-i', '2'], {
      env: { PORT: String(port) },
    });
    const res = await home.ok(['reload', 'web']);
    assert.match(res.stderr, /web: reloaded 2 worker\(s\) one by one in \d+ ms \(2 ready by listening\)/);
  });
});
