// Cluster mode end to end: workers share the port and the load, a killed worker is replaced while the
// others serve, crash loops end in errored, scale changes only what it must, every module kind works.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from '../helpers/node-test.js';
import { startLoad } from '../helpers/load.js';
import { createHome, fixture, freePort, pidAlive, waitFor } from '../helpers/shoal.js';

async function get(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/`);
  return res.text();
}

describe('cluster mode', () => {
  it('spreads requests over every worker, each with its own instance id', async (t) => {
    const home = createHome(t);
    const port = await freePort();
    await home.ok(['start', fixture('http-hello.js'), '--name', 'web', '-i', '3'], {
      env: { PORT: String(port) },
    });
    const list = await home.list();
    assert.equal(list.length, 3);
    assert.ok(list.every((p) => p.mode === 'cluster' && p.status === 'online'));
    assert.deepEqual(
      list.map((p) => p.instance),
      [0, 1, 2],
    );
    const load = startLoad({ port, clients: 6, keepAlive: false, maxDurationMs: 20_000 });
    await load.waitForResponses(300);
    const res = await load.stop();
    assert.equal(res.failed, 0, JSON.stringify(res.errors));
    const pids = new Set([...res.bodies.keys()].map((b) => Number(/from (\d+)/.exec(b)?.[1])));
    assert.deepEqual([...pids].sort(), list.map((p) => p.pid).sort(), 'every worker answered');
  });

  it('gives each worker SHOAL_INSTANCE_ID and NODE_APP_INSTANCE', async (t) => {
    const home = createHome(t);
    const out = `${home.dir}/env-%i.json`;
    const { writeFileSync } = await import('node:fs');
    const script = `${home.dir}/envcluster.js`;
    writeFileSync(
      script,
      `require('fs').writeFileSync(${JSON.stringify(out)}.replace('%i', process.env.SHOAL_INSTANCE_ID), JSON.stringify(process.env)); require('http').createServer(() => {}).listen(0);`,
    );
    await home.ok(['start', script, '--name', 'envc', '-i', '2']);
    for (const i of [0, 1]) {
      const env = await waitFor(`env of instance ${i}`, () => {
        try {
          return JSON.parse(readFileSync(out.replace('%i', String(i)), 'utf8')) as Record<string, string>;
        } catch {
          return null;
        }
      });
      assert.equal(env.NODE_APP_INSTANCE, String(i));
      assert.equal(env.SHOAL_APP_NAME, 'envc');
      assert.equal(env.SHOAL_EXEC_MODE, 'cluster');
      assert.equal(env.SHOAL_PRIMARY_SPEC, undefined, 'no Shoal internals leak into the app env');
    }
  });

  it('replaces a worker killed with SIGKILL at once while the others keep serving', async (t) => {
    const home = createHome(t);
    const port = await freePort();
    await home.ok(['start', fixture('http-hello.js'), '--name', 'web', '-i', '2'], {
      env: { PORT: String(port) },
    });
    const [victim] = await home.list();
    const load = startLoad({ port, clients: 4, keepAlive: true, maxDurationMs: 30_000 });
    await load.waitForResponses(200);
    process.kill(victim!.pid!, 'SIGKILL');
    const replaced = await waitFor('replacement online', async () => {
      const p = (await home.list()).find((x) => x.id === victim!.id);
      return p && p.status === 'online' && p.pid !== victim!.pid ? p : null;
    });
    assert.equal(replaced.restarts, 1);
    const before = load.ok;
    await load.waitForResponses(before + 200);
    const res = await load.stop();
    // Requests in flight on the killed worker's connections may fail; the app as a whole kept answering.
    assert.ok(res.failed <= 4, `at most one failure per client: ${JSON.stringify(res.errors)}`);
    assert.ok(res.ok > before);
  });

  it('marks a crash-looping cluster app errored after max_restarts', async (t) => {
    const home = createHome(t);
    await home.ok([
      'start',
      fixture('exit-code.js'),
      '--name',
      'crashy',
      '--no-wait',
      '-i',
      '2',
      '--max-restarts',
      '3',
      // Every run counts as short even when a loaded machine takes over a second to start Node.
      '--min-uptime',
      '10s',
      '--',
      '1',
    ]);
    const list = await waitFor('both errored', async () => {
      const l = await home.list();
      return l.length === 2 && l.every((p) => p.status === 'errored') ? l : null;
    });
    assert.deepEqual(
      list.map((p) => p.restarts),
      [3, 3],
    );
    assert.match((await home.describe('crashy'))[0]!.status_reason, /crash loop/);
  });

  it('scales up and down without touching the other workers', async (t) => {
    const home = createHome(t);
    const port = await freePort();
    await home.ok(['start', fixture('http-hello.js'), '--name', 'web', '-i', '2'], {
      env: { PORT: String(port) },
    });
    const before = await home.list();
    await home.ok(['scale', 'web', '4']);
    const up = await home.list();
    assert.equal(up.length, 4);
    assert.ok(up.every((p) => p.status === 'online'));
    assert.deepEqual(
      up.slice(0, 2).map((p) => p.pid),
      before.map((p) => p.pid),
      'existing workers untouched',
    );
    await home.ok(['scale', 'web', '1']);
    const down = await home.list();
    assert.equal(down.length, 1);
    assert.equal(down[0]!.pid, before[0]!.pid);
    for (const p of up.slice(1)) await waitFor(`worker ${p.pid} gone`, () => !pidAlive(p.pid!));
    assert.match(await get(port), /hello from/);
  });

  it('restart replaces every worker and counts it', async (t) => {
    const home = createHome(t);
    const port = await freePort();
    await home.ok(['start', fixture('http-hello.js'), '--name', 'web', '-i', '2'], {
      env: { PORT: String(port) },
    });
    const before = await home.list();
    await home.ok(['restart', 'web']);
    const after = await home.list();
    assert.equal(after.length, 2);
    assert.ok(after.every((p, i) => p.status === 'online' && p.restarts === 1 && p.pid !== before[i]!.pid));
    assert.match(await get(port), /hello from/);
  });

  for (const [label, file, marker] of [
    ['an .mjs app', 'esm-http.mjs', 'esm from'],
    ['a .js app in a "type": "module" package', 'esm-pkg/server.js', 'esm-pkg from'],
    ['a .ts app', 'ts-http.ts', 'ts from'],
    ['an .mts app', 'esm-pkg/server.mts', 'mts from'],
  ] as const) {
    it(`runs ${label} in cluster mode with no setup`, async (t) => {
      const home = createHome(t);
      const port = await freePort();
      await home.ok(['start', fixture(file), '--name', 'mod', '-i', '2'], { env: { PORT: String(port) } });
      const list = await home.list();
      assert.equal(list.length, 2, JSON.stringify(list));
      assert.ok(
        list.every((p) => p.status === 'online' && p.mode === 'cluster'),
        JSON.stringify(list),
      );
      assert.match(await get(port), new RegExp(marker));
    });
  }

  it('starts the primary again when it is killed, and the app serves again', async (t) => {
    const home = createHome(t);
    const port = await freePort();
    await home.ok(['start', fixture('http-hello.js'), '--name', 'web', '-i', '2'], {
      env: { PORT: String(port) },
    });
    const before = await home.list();
    const [d] = await home.describe('web');
    assert.ok(d!.primary_pid && pidAlive(d!.primary_pid));
    process.kill(d!.primary_pid, 'SIGKILL');
    const after = await waitFor('workers back online with new pids', async () => {
      const l = await home.list();
      return l.length === 2 && l.every((p, i) => p.status === 'online' && p.pid !== before[i]!.pid)
        ? l
        : null;
    });
    assert.ok(after.every((p) => p.restarts === 1));
    for (const p of before) await waitFor(`old worker ${p.pid} gone`, () => !pidAlive(p.pid!));
    assert.match(await get(port), /hello from/);
    assert.notEqual((await home.describe('web'))[0]!.primary_pid, d!.primary_pid);
  });

  it('falls back to a restart, with a message, when reloading a fork-mode app', async (t) => {
    const home = createHome(t);
    await home.ok(['start', fixture('forever.js'), '--name', 'forky']);
    const res = await home.ok(['reload', 'forky']);
    assert.match(res.stdout, /fork mode: reload restarted/);
    assert.equal((await home.list())[0]!.restarts, 1);
  });
});
