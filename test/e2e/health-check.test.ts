// health_check over real HTTP: each worker is probed itself (not whichever worker the port balances
// to), a worker failing its probes is replaced, and a reload whose new workers fail the check stops
// with the old workers serving.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { describe, it } from '../helpers/node-test.js';
import { createHome, fixture, freePort, holdsFor, type ShoalHome, waitFor } from '../helpers/shoal.js';

function get(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false, timeout: 2000 }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

async function startApp(home: ShoalHome, port: number, buildFile: string, instances: number) {
  writeFileSync(buildFile, 'ok');
  const file = home.writeProcessFile({
    apps: [
      {
        name: 'web',
        script: fixture('health-app.js'),
        instances,
        exec_mode: instances > 1 ? 'cluster' : 'fork',
        env: { PORT: String(port), BUILD_FILE: buildFile },
        health_check: { path: '/healthz', interval: '300ms', timeout: '1s', failures: 3 },
      },
    ],
  });
  await home.ok(['start', file]);
  return waitFor('every process online', async () => {
    const list = await home.list();
    return list.length === instances && list.every((p) => p.status === 'online') ? list : null;
  });
}

describe('health checks', () => {
  it('replaces the one cluster worker that fails its probes, and leaves the healthy one alone', async (t) => {
    const home = createHome(t);
    const port = await freePort();
    const before = await startApp(home, port, join(home.dir, 'build'), 2);
    const broken = Number(await get(port, '/break'));
    const healthy = before.find((p) => p.pid !== broken)!;
    assert.ok(
      before.some((p) => p.pid === broken),
      'the broken worker is one of the app',
    );
    const replaced = await waitFor('the broken worker replaced', async () => {
      const list = await home.list();
      const p = list.find((x) => /^health check failed 3 times in a row/.test(x.last_restart_reason ?? ''));
      return p && p.status === 'online' && p.pid !== broken ? p : null;
    });
    assert.match(replaced.last_restart_reason ?? '', /\(GET \/healthz: answered 503\)$/);
    const list = await home.list();
    assert.equal(list.find((p) => p.id === healthy.id)?.pid, healthy.pid, 'the healthy worker kept running');
  });

  it('restarts a fork process that fails its probes', async (t) => {
    const home = createHome(t);
    const port = await freePort();
    const [before] = await startApp(home, port, join(home.dir, 'build'), 1);
    await get(port, '/break');
    const after = await waitFor('the process restarted', async () => {
      const [p] = await home.list();
      return p && p.status === 'online' && p.pid !== before!.pid ? p : null;
    });
    assert.match(after.last_restart_reason ?? '', /^health check failed 3 times in a row/);
  });

  it('stops a reload whose new worker fails its health check; the old workers keep serving', async (t) => {
    const home = createHome(t);
    const port = await freePort();
    const build = join(home.dir, 'build');
    const before = await startApp(home, port, build, 2);
    writeFileSync(build, 'broken');
    const res = await home.run(['reload', 'web']);
    assert.notEqual(res.code, 0);
    assert.match(res.stderr, /did not pass its health check \(GET \/healthz: answered 503\)/);
    await holdsFor(
      'the old workers serving',
      async () => {
        const list = await home.list();
        return before.every((b) => list.some((p) => p.pid === b.pid && p.status === 'online'));
      },
      { forMs: 1500 },
    );
    // A healthy build reloads.
    writeFileSync(build, 'ok');
    await home.ok(['reload', 'web']);
    const after = await home.list();
    assert.ok(after.every((p) => !before.some((b) => b.pid === p.pid)));
  });
});
