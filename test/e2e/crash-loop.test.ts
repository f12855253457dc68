// A crash loop is not forever: workers killed from outside every 200 ms keep being restarted (with a
// backoff) because each run served, and the app serves again soon after the kills stop. A process that
// cannot start at all still ends errored.
import assert from 'node:assert/strict';
import http from 'node:http';
import { describe, it } from '../helpers/node-test.js';
import { childrenOf, createHome, fixture, freePort, type ShoalHome, waitFor } from '../helpers/shoal.js';

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false, timeout: 1000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

const KILL_EVERY_MS = 200;
const KILLING_FOR_MS = 15_000;

async function primaryPid(home: ShoalHome): Promise<number> {
  const [d] = await home.describe('web');
  return d!.primary!.pid!;
}

describe('crash loops', () => {
  it('keeps restarting workers killed every 200 ms, and serves again within 2 s after the kills stop', async (t) => {
    const home = createHome(t);
    const port = await freePort();
    // max_restarts 5: a policy that counted every short run would give each worker up after 6 kills.
    await home.ok(['start', fixture('http-hello.js'), '--name', 'web', '-i', '2', '--max-restarts', '5'], {
      env: { PORT: String(port) },
    });
    const primary = await primaryPid(home);
    let kills = 0;
    const until = Date.now() + KILLING_FOR_MS;
    while (Date.now() < until) {
      const workers = childrenOf(primary);
      const victim = workers[kills % Math.max(1, workers.length)];
      if (victim !== undefined) {
        try {
          process.kill(victim, 'SIGKILL');
          kills += 1;
        } catch {
          // exited meanwhile
        }
      }
      await new Promise((r) => setTimeout(r, KILL_EVERY_MS)); // the kill rate is the point
    }
    const stoppedAt = Date.now();
    await waitFor('an answer after the kills stopped', () => answers(port), {
      timeoutMs: 10_000,
      intervalMs: 20,
    });
    const servedAfterMs = Date.now() - stoppedAt;
    t.diagnostic(`${kills} kills; served again ${servedAfterMs} ms after the kills stopped`);
    assert.ok(servedAfterMs < 2000, `served again ${servedAfterMs} ms after the kills stopped`);
    const list = await home.list();
    assert.equal(list.length, 2);
    for (const p of list) assert.notEqual(p.status, 'errored', `worker ${p.id}: ${p.status}`);
    // Proof the loop was long enough to matter: a worker restarted more often than max_restarts allows
    // for runs that never serve.
    const most = Math.max(...list.map((p) => p.restarts));
    assert.ok(most > 5, `${kills} kills, at most ${most} restarts of one worker`);
  });

  it('still gives up on a process that cannot start at all', async (t) => {
    const home = createHome(t);
    await home.run([
      'start',
      fixture('broken-app.js'),
      '--name',
      'broken',
      '--max-restarts',
      '3',
      '--no-wait',
    ]);
    const [p] = await waitFor(
      'the broken app errored',
      async () => {
        const list = await home.list();
        return list[0]?.status === 'errored' ? list : null;
      },
      { timeoutMs: 30_000 },
    );
    assert.equal(p!.restarts, 3);
    const [d] = await home.describe('broken');
    assert.match(d!.status_reason, /without ever serving, max_restarts is 3/);
  });
});
