// Servers we did not write, installed from npm, run as users run them: a static file server (serve, an
// ES module), one started through its extensionless bin file (http-server), a framework app (fastify)
// and a WebSocket server (ws). Each starts and serves in cluster and fork mode, reloads three times
// under load without a failed request (cluster), stops cleanly without SIGKILL, and its exits are
// recorded as what they were.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { describe, it } from '../helpers/node-test.js';
import WebSocket from 'ws';
import { startLoad } from '../helpers/load.js';
import { createHome, fixture, freePort, ROOT, type ShoalHome, waitFor } from '../helpers/shoal.js';

const SITE = fixture('site');
const KILL_TIMEOUT = '8s';

interface Server {
  label: string;
  /** What `shoal start` gets: the script, then the app's own arguments after `--`. */
  start: (port: number) => { script: string; args: string[] };
  /** A line the server's answer to GET / contains. */
  body: RegExp;
  /**
   * False for serve: whatever its flags say (14.2 ignores --no-port-switching), it listens elsewhere when
   * its port answers, which in cluster mode it always does; its reload is refused (tested below).
   */
  clusterReload: boolean;
}

const SERVERS: Server[] = [
  {
    label: 'serve, a static file server written as an ES module',
    start: (port) => ({
      script: `${ROOT}node_modules/.bin/serve`,
      args: ['--no-port-switching', '--no-clipboard', '-l', `tcp://127.0.0.1:${port}`, SITE],
    }),
    body: /hello from a static site/,
    clusterReload: false,
  },
  {
    label: 'http-server, started by its bin name from node_modules/.bin',
    start: (port) => ({
      script: 'http-server',
      args: [SITE, '-p', String(port), '-a', '127.0.0.1', '-s', '-c-1'],
    }),
    body: /hello from a static site/,
    clusterReload: true,
  },
  {
    label: 'a fastify app that closes itself on SIGTERM',
    start: () => ({ script: fixture('npm-apps/fastify-app.mjs'), args: [] }),
    body: /"pid":\d+/,
    clusterReload: true,
  },
  {
    label: 'a WebSocket server on the ws package',
    start: () => ({ script: fixture('npm-apps/ws-echo.cjs'), args: [] }),
    body: /ws from \d+/,
    clusterReload: true,
  },
];

async function startServer(t: TestContext, s: Server, mode: 'cluster' | 'fork') {
  const home = createHome(t);
  const port = await freePort();
  const { script, args } = s.start(port);
  const instances = mode === 'cluster' ? ['-i', '2'] : ['--exec-mode', 'fork'];
  const res = await home.ok(
    ['start', script, '--name', 'srv', ...instances, '--kill-timeout', KILL_TIMEOUT, '--', ...args],
    {
      env: { PORT: String(port), NO_UPDATE_CHECK: '1' },
    },
  );
  assert.doesNotMatch(res.stderr, /listens on .* not on/, 'every worker listens on the app address');
  const list = await home.list();
  assert.equal(list.length, mode === 'cluster' ? 2 : 1);
  for (const p of list) {
    assert.equal(p.status, 'online', `${p.status}: ${p.status_reason}`);
    assert.equal(p.mode, mode);
  }
  const [detail] = await home.describe('srv');
  assert.equal(detail!.config.interpreter, 'node', 'runs on Node, with the preload');
  const answer = await fetch(`http://127.0.0.1:${port}/`);
  assert.equal(answer.status, 200);
  assert.match(await answer.text(), s.body);
  return { home, port };
}

/** Stops the app and checks that every process exited by itself, well before kill_timeout. */
async function stopCleanly(home: ShoalHome): Promise<void> {
  const started = Date.now();
  await home.ok(['stop', 'srv']);
  const took = Date.now() - started;
  const details = await home.describe('srv');
  assert.ok(details.length > 0);
  for (const d of details) {
    assert.equal(d.status, 'stopped');
    assert.notEqual(d.last_exit?.signal, 'SIGKILL', `instance ${d.instance}: ${d.last_exit?.reason}`);
  }
  assert.ok(took < 6_000, `stop took ${took} ms (kill_timeout is ${KILL_TIMEOUT})`);
}

describe('real npm servers', () => {
  for (const s of SERVERS.filter((x) => x.clusterReload)) {
    it(`${s.label}: cluster mode serves, reloads 3 times under load with 0 failed, stops cleanly`, async (t) => {
      const { home, port } = await startServer(t, s, 'cluster');
      const load = startLoad({ port, clients: 6, keepAlive: true, maxDurationMs: 90_000 });
      t.after(() => load.stop());
      await load.waitForResponses(100);
      for (let i = 0; i < 3; i++) {
        const before = (await home.list()).map((p) => p.pid);
        await home.ok(['reload', 'srv']);
        const after = await home.list();
        assert.equal(after.length, 2);
        assert.ok(
          after.every((p) => p.status === 'online' && !before.includes(p.pid)),
          'both workers replaced',
        );
        await load.waitForResponses(load.ok + 100);
      }
      const res = await load.stop();
      assert.equal(res.failed, 0, `failed: ${JSON.stringify(res.errors)} of ${res.ok + res.failed}`);
      for (const d of await home.describe('srv')) {
        assert.equal(d.restarts, 3);
        // The workers that were replaced exited by themselves, not by SIGKILL.
        assert.ok(d.exits.length === 0 || d.exits.every((e) => e.signal !== 'SIGKILL'));
      }
      await stopCleanly(home);
    });
  }

  for (const s of SERVERS) {
    it(`${s.label}: fork mode serves, restarts and stops cleanly`, async (t) => {
      const { home, port } = await startServer(t, s, 'fork');
      await home.ok(['restart', 'srv']);
      // In fork mode a restart returns once the process runs (or listens, if it does within
      // min_uptime); a server that takes longer to load on a busy machine answers a little later.
      await waitFor(
        'the restarted server to answer',
        async () => (await fetch(`http://127.0.0.1:${port}/`)).status === 200,
      );
      const [d] = await home.describe('srv');
      assert.equal(d!.restarts, 1);
      assert.notEqual(d!.last_exit?.signal, 'SIGKILL', d!.last_exit?.reason);
      await stopCleanly(home);
    });
  }

  it('keeps a WebSocket echoing across the workers of a cluster, and closes it with 1001 on stop', async (t) => {
    const { home, port } = await startServer(t, SERVERS[3]!, 'cluster');
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
    t.after(() => ws.terminate());
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const echoed = new Promise<string>((resolve) => ws.once('message', (d) => resolve(String(d))));
    ws.send('ping');
    assert.equal(await echoed, 'ping');
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    await home.ok(['stop', 'srv']);
    assert.equal(await closed, 1001, 'the app closed its peers itself (going away)');
  });

  it('refuses a reload whose new worker moved to another port, and keeps serving on the app port', async (t) => {
    // serve's default: when its port answers (in cluster mode it always does), it listens elsewhere.
    const home = createHome(t);
    const port = await freePort();
    const res = await home.ok(
      [
        'start',
        `${ROOT}node_modules/.bin/serve`,
        '--name',
        'srv',
        '-i',
        '2',
        '--',
        '--no-clipboard',
        '-l',
        `tcp://127.0.0.1:${port}`,
        SITE,
      ],
      { env: { NO_UPDATE_CHECK: '1' } },
    );
    // One of the two cold-started workers found the port answering: start says so.
    const list = await home.list();
    const moved = list.filter((p) => p.notice !== null);
    if (moved.length > 0) {
      assert.match(res.stderr, /warning: srv \(id \d, instance \d\) listens on 127\.0\.0\.1:\d+/);
      assert.ok(res.stderr.includes(`127.0.0.1:${port}`), 'the warning names the app port');
    }
    const load = startLoad({ port, clients: 4, keepAlive: true, maxDurationMs: 60_000 });
    t.after(() => load.stop());
    await load.waitForResponses(50);
    // The workers serving when the reload begins are the ones that must still serve after it.
    const serving = await waitFor('both workers online', async () => {
      const l = await home.list();
      return l.length === 2 && l.every((p) => p.status === 'online') ? l : null;
    });
    const reload = await home.run(['reload', 'srv']);
    assert.equal(reload.code, 1, reload.stdout);
    assert.match(reload.stderr, /SHOAL_ERR_RELOAD_FAILED/);
    assert.match(
      reload.stderr,
      /listens on 127\.0\.0\.1:\d+, but the worker it replaces listens on 127\.0\.0\.1:\d+/,
    );
    await load.waitForResponses(load.ok + 50);
    const result = await load.stop();
    assert.equal(result.failed, 0, `the old workers kept serving: ${JSON.stringify(result.errors)}`);
    const after = await waitFor('both workers online', async () => {
      const l = await home.list();
      return l.length === 2 && l.every((p) => p.status === 'online') ? l : null;
    });
    // serve decides by probing its port: on a busy machine a new worker can find it silent and stay on
    // the app port, and then its replacement is accepted. A worker that moved somewhere else is never
    // taken in: every replacement the reload kept listens where the worker it replaced listened. (Its
    // notice may be set all the same: with two workers and one of them moved, neither is the odd one out.)
    const old = new Set(serving.map((p) => p.pid));
    assert.ok(
      after.some((p) => old.has(p.pid)),
      'the refused reload kept the old worker it would have replaced',
    );
    for (const p of after.filter((w) => !old.has(w.pid))) {
      const replaced = serving.find((w) => w.instance === p.instance)!;
      assert.equal(
        p.last_restart_reason,
        'reload',
        `instance ${p.instance} is a replacement from the reload`,
      );
      assert.deepEqual(p.listening, replaced.listening, `instance ${p.instance} listens where it did`);
    }
    await stopCleanly(home);
  });
});
