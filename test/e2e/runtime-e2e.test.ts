// shoal/runtime end to end: the notes example (examples/notes) in cluster mode through the real `shoal`
// binary. Shared state must hold across workers, reloads, killed workers and Shoal homes; tokens must
// verify in every worker; bad tokens get a clean 401; a Redis outage gives a clear 503, then recovers.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { after, before, describe, it } from '../helpers/node-test.js';
import { SignJWT } from 'jose';
import { redisUnavailable, startRedis, type TestRedis } from '../helpers/redis.js';
import { createHome, fixture, freePort, ROOT, type ShoalHome, waitFor } from '../helpers/shoal.js';

const CONFIG = join(ROOT, 'examples', 'notes', 'ecosystem.config.cjs');
const REDIS_CONFIG = join(ROOT, 'examples', 'notes', 'ecosystem.redis.config.cjs');
const PASSWORD = 'e2e-password';
const SHARED_SECRET = 'e2e-shared-secret-for-several-shoal-homes!';
const E2E = { timeout: 240_000 };

/** Stated reason when redis-server is not installed (scripts/system-deps.js checks for it); null when the Redis tests can run. */
const skipRedis = redisUnavailable() || false;

interface Reply {
  status: number;
  pid: number;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
  text: string;
}

/** One request; `agent: false` means a new connection, which the primary hands to the next worker. */
function request(
  port: number,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; agent?: http.Agent | false; timeoutMs?: number } = {},
): Promise<Reply> {
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: opts.agent ?? false,
        timeout: opts.timeoutMs ?? 30_000,
        headers: {
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...(payload ? { 'content-type': 'application/json' } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          let body: Record<string, unknown> = {};
          try {
            body = text ? JSON.parse(text) : {};
          } catch {
            // not JSON: the assertions on text will say so
          }
          resolve({
            status: res.statusCode ?? 0,
            pid: Number(res.headers['x-served-by']),
            headers: res.headers,
            body,
            text,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

interface Notes {
  home: ShoalHome;
  port: number;
  login(user: string): Promise<{ token: string; refresh: string; pid: number }>;
  workerPids(): Promise<number[]>;
}

/** Starts the notes example in a fresh home and waits until every worker is online. */
async function startNotes(
  t: TestContext,
  opts: { instances: number; env?: Record<string, string>; config?: string; home?: ShoalHome },
): Promise<Notes> {
  const home = opts.home ?? createHome(t);
  const port = await freePort();
  const env = {
    PORT: String(port),
    INSTANCES: String(opts.instances),
    DEMO_PASSWORD: PASSWORD,
    RATE_LIMIT: '1000000',
    ...opts.env,
  };
  await home.ok(['start', opts.config ?? CONFIG], { env });
  const notes: Notes = {
    home,
    port,
    async login(user) {
      const res = await request(port, 'POST', '/login', { body: { username: user, password: PASSWORD } });
      assert.equal(res.status, 200, res.text);
      return { token: String(res.body.token), refresh: String(res.body.refresh), pid: res.pid };
    },
    async workerPids() {
      return (await home.list()).filter((p) => p.name === 'notes').map((p) => p.pid!);
    },
  };
  await waitFor(
    `${opts.instances} notes workers online`,
    async () => {
      const list = (await home.list()).filter((p) => p.name === 'notes');
      return list.length === opts.instances && list.every((p) => p.status === 'online');
    },
    { timeoutMs: 60_000 },
  );
  await waitFor('GET /healthz', async () => (await request(port, 'GET', '/healthz')).status === 200, {
    timeoutMs: 30_000,
  });
  return notes;
}

/** Fires `total` POST /counter over `connections` keep-alive connections; returns every reply or error. */
async function hammer(
  notes: Notes,
  token: string,
  total: number,
  connections: number,
): Promise<{ values: number[]; pids: Set<number>; statuses: Map<number, number>; errors: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const values: number[] = [];
  const pids = new Set<number>();
  const statuses = new Map<number, number>();
  let errors = 0;
  await Promise.all(
    Array.from({ length: total }, async () => {
      try {
        // A connection handed to a worker at the instant it is SIGKILLed can hang (the primary's copy of
        // the socket stays open): bounded here, it counts as an error, not an acknowledged write.
        const res = await request(notes.port, 'POST', '/counter', { token, agent, timeoutMs: 10_000 });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 200) {
          values.push(Number(res.body.value));
          pids.add(res.pid);
        }
      } catch {
        errors++;
      }
    }),
  );
  agent.destroy();
  return { values, pids, statuses, errors };
}

async function counter(notes: Notes, token: string): Promise<number> {
  const res = await request(notes.port, 'GET', '/counter', { token });
  assert.equal(res.status, 200, res.text);
  return Number(res.body.value);
}

describe('runtime end to end (embedded store)', () => {
  it('counts 5,000 concurrent increments from 64 connections over 4 workers exactly', E2E, async (t) => {
    const notes = await startNotes(t, { instances: 4 });
    const { token } = await notes.login('ann');
    const res = await hammer(notes, token, 5000, 64);
    assert.equal(res.errors, 0);
    assert.deepEqual([...res.statuses], [[200, 5000]]);
    assert.equal(new Set(res.values).size, 5000, 'every increment saw its own value');
    assert.equal(Math.max(...res.values), 5000);
    assert.equal(await counter(notes, token), 5000);
    assert.ok(res.pids.size >= 3, `increments were served by ${res.pids.size} workers`);
  });

  it('accepts a token issued by one worker in another, and after a reload', E2E, async (t) => {
    const notes = await startNotes(t, { instances: 2 });
    const { token, refresh, pid: issuer } = await notes.login('bob');
    // New connections go round the workers: look for one served elsewhere.
    const elsewhere = await waitFor(
      'a request served by a worker other than the issuer',
      async () => {
        const res = await request(notes.port, 'POST', '/notes', { token, body: { text: 'hello' } });
        assert.equal(res.status, 201, res.text);
        return res.pid !== issuer ? res : null;
      },
      { timeoutMs: 30_000, intervalMs: 10 },
    );
    assert.notEqual(elsewhere.pid, issuer);

    const before = await notes.workerPids();
    await notes.home.ok(['reload', 'notes']);
    const afterReload = await notes.workerPids();
    assert.equal(afterReload.length, 2);
    assert.ok(
      afterReload.every((p) => !before.includes(p)),
      'every worker was replaced',
    );
    const list = await request(notes.port, 'GET', '/notes', { token });
    assert.equal(list.status, 200, list.text);
    assert.ok(afterReload.includes(list.pid), 'answered by a new worker');
    assert.ok((list.body.notes as unknown[]).length >= 1, 'notes written before the reload are still there');
    // The refresh session lives in the store, which the reload did not touch.
    const refreshed = await request(notes.port, 'POST', '/refresh', { body: { refresh } });
    assert.equal(refreshed.status, 200, refreshed.text);
  });

  it('holds a per-user rate limit across workers', E2E, async (t) => {
    // An hour-long window, so that the test cannot straddle two windows.
    const notes = await startNotes(t, { instances: 4, env: { RATE_LIMIT: '20', RATE_WINDOW_MS: '3600000' } });
    const { token } = await notes.login('carol');
    // First one request at a time: round-robin then hands each new connection to the next worker, so the
    // allowance is spent from several workers. (A burst may all land on whichever worker accepts fastest.)
    const first: Reply[] = [];
    for (let i = 0; i < 8; i++) first.push(await request(notes.port, 'GET', '/counter', { token }));
    assert.ok(
      first.every((r) => r.status === 200),
      first.map((r) => r.status).join(' '),
    );
    assert.ok(new Set(first.map((r) => r.pid)).size >= 2, 'the allowance was spent from several workers');
    // Then a burst: exactly what is left of the allowance gets through, whichever workers answer.
    const burst = await Promise.all(
      Array.from({ length: 32 }, () => request(notes.port, 'GET', '/counter', { token })),
    );
    const ok = burst.filter((r) => r.status === 200);
    const limited = burst.filter((r) => r.status === 429);
    assert.equal(ok.length, 12, 'exactly the limit got through');
    assert.equal(limited.length, 20);
    assert.ok(Number(limited[0]!.headers['retry-after']) > 0);
    // Another user has an allowance of their own.
    const dave = await notes.login('dave');
    assert.equal((await request(notes.port, 'GET', '/counter', { token: dave.token })).status, 200);
  });

  it('answers bad, expired and forged tokens with 401 JSON and no stack', E2E, async (t) => {
    const notes = await startNotes(t, { instances: 2 });
    const secret = readFileSync(join(notes.home.dir, 'state', 'notes.auth-secret'));
    const expired = await new SignJWT({ sub: 'ann' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(secret);
    const forged = await new SignJWT({ sub: 'ann' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('not-the-app-secret-but-long-enough-to-sign'));
    const cases: [string | undefined, string][] = [
      [undefined, 'SHOAL_ERR_AUTH_MALFORMED'],
      ['garbage', 'SHOAL_ERR_AUTH_MALFORMED'],
      [expired, 'SHOAL_ERR_AUTH_EXPIRED'],
      [forged, 'SHOAL_ERR_AUTH_INVALID'],
    ];
    for (const [token, code] of cases) {
      const res = await request(notes.port, 'GET', '/notes', { token });
      assert.equal(res.status, 401, res.text);
      assert.equal(res.body.code, code);
      assert.deepEqual(Object.keys(res.body).sort(), ['code', 'error']);
      assert.doesNotMatch(res.text, /\bat \S+ \(|\.js:\d+|stack/i);
    }
    // The app's own secret, read the way the workers read it, signs tokens they accept.
    const good = await new SignJWT({ sub: 'ann' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(secret);
    assert.equal((await request(notes.port, 'GET', '/notes', { token: good })).status, 200);
    // The app's metrics reach the daemon with each worker's stats.
    await waitFor(
      'notes_http_requests_total in describe',
      async () =>
        (await notes.home.describe('notes')).some((p) =>
          p.app_metrics.some((m) => m.name === 'notes_http_requests_total'),
        ),
      { timeoutMs: 30_000, intervalMs: 500 },
    );
  });
});

/** Kills a worker with SIGKILL in the middle of a stream of increments; no acknowledged one may be lost. */
async function killWorkerUnderLoad(notes: Notes, user: string): Promise<void> {
  const { token } = await notes.login(user);
  const [victim] = await notes.workerPids();
  const running = hammer(notes, token, 3000, 32);
  let loadDone = false;
  void running.then(() => {
    loadDone = true;
  });
  // Let part of the load through, then kill one worker mid-stream.
  await waitFor('some increments to land', async () => (await counter(notes, token)) >= 300, {
    timeoutMs: 60_000,
    intervalMs: 20,
  });
  assert.equal(loadDone, false, 'the load is still running when the worker is killed');
  process.kill(victim!, 'SIGKILL');
  const res = await running;
  const acknowledged = res.values.length;
  const final = await counter(notes, token);
  assert.ok(acknowledged > 0);
  assert.ok(
    final >= acknowledged,
    `the store holds ${final} increments, ${acknowledged} were acknowledged: none may be lost`,
  );
  assert.ok(final <= 3000, 'no increment was applied twice');
  assert.equal(new Set(res.values).size, acknowledged, 'no two acknowledged increments saw the same value');
  await waitFor('the killed worker to be replaced', async () => {
    const pids = await notes.workerPids();
    return pids.length === 2 && !pids.includes(victim!);
  });
}

describe('runtime end to end (kill -9 a worker)', () => {
  it('loses no acknowledged write on the embedded store', E2E, async (t) => {
    const notes = await startNotes(t, { instances: 2 });
    await killWorkerUnderLoad(notes, 'erin');
  });
});

describe('runtime end to end (fork mode)', () => {
  it('shares the embedded store between the processes of a fork-mode app', E2E, async (t) => {
    const home = createHome(t);
    await home.ok(['start', fixture('store-counter.mjs'), '--name', 'counter', '-i', '2'], {
      env: { INCREMENTS: '500' },
    });
    const lines = await waitFor(
      'both processes to finish their increments',
      () => {
        let out = '';
        try {
          out = readFileSync(home.logPath('counter'), 'utf8');
        } catch {
          return null;
        }
        const done = out.split('\n').filter((l) => /^(done|failed) /.test(l));
        return done.length >= 2 ? done : null;
      },
      { timeoutMs: 60_000 },
    );
    assert.equal(lines.length, 2, lines.join('\n'));
    assert.ok(
      lines.every((l) => l.startsWith('done ') && l.endsWith(' embedded')),
      lines.join('\n'),
    );
    assert.equal(Math.max(...lines.map((l) => Number(l.split(' ')[1]))), 1000, 'one counter for both');
  });
});

describe('runtime end to end (Redis)', { skip: skipRedis }, () => {
  let redis: TestRedis;
  const cleanups: Array<() => unknown> = [];
  before(async () => {
    redis = await startRedis({ after: (fn: () => unknown) => cleanups.push(fn) });
  });
  after(async () => {
    for (const fn of cleanups) await fn();
  });
  const redisEnv = () => ({ REDIS_URL: redis.url, SHOAL_AUTH_SECRET: SHARED_SECRET });

  it('shares counters, tokens and sessions between two independent Shoal homes', E2E, async (t) => {
    const a = await startNotes(t, { instances: 2, config: REDIS_CONFIG, env: redisEnv() });
    const b = await startNotes(t, { instances: 2, config: REDIS_CONFIG, env: redisEnv() });
    assert.notEqual(a.home.dir, b.home.dir);
    const user = `frank-${randomUUID().slice(0, 8)}`;
    const { token, refresh } = await a.login(user);
    // The token from home A verifies in home B: same secret, no shared memory.
    const [ra, rb] = await Promise.all([hammer(a, token, 300, 16), hammer(b, token, 300, 16)]);
    assert.equal(ra.values.length + rb.values.length, 600, JSON.stringify([...ra.statuses, ...rb.statuses]));
    assert.equal(await counter(a, token), 600);
    assert.equal(await counter(b, token), 600);
    // The refresh session created through A is known to B, and ending it in B ends it for A.
    const refreshed = await request(b.port, 'POST', '/refresh', { body: { refresh } });
    assert.equal(refreshed.status, 200, refreshed.text);
    assert.equal((await request(b.port, 'POST', '/logout', { body: { refresh } })).status, 204);
    assert.equal((await request(a.port, 'POST', '/refresh', { body: { refresh } })).status, 401);
  });

  it('loses no acknowledged write when a worker is killed', E2E, async (t) => {
    const notes = await startNotes(t, { instances: 2, config: REDIS_CONFIG, env: redisEnv() });
    await killWorkerUnderLoad(notes, `gina-${randomUUID().slice(0, 8)}`);
  });

  it('answers 503 with a clear code while Redis is down, and recovers when it is back', E2E, async (t) => {
    if (!redis.own) {
      t.skip('REDIS_URL points at a Redis this test cannot stop');
      return;
    }
    const notes = await startNotes(t, { instances: 2, config: REDIS_CONFIG, env: redisEnv() });
    const { token } = await notes.login(`hank-${randomUUID().slice(0, 8)}`);
    assert.equal((await request(notes.port, 'POST', '/counter', { token })).status, 200);
    await redis.stop();
    try {
      for (let i = 0; i < 4; i++) {
        const started = Date.now();
        const res = await request(notes.port, 'POST', '/counter', { token });
        assert.equal(res.status, 503, res.text);
        assert.equal(res.body.code, 'SHOAL_ERR_STORE_UNAVAILABLE');
        assert.ok(Date.now() - started < 10_000, 'failed fast');
        assert.doesNotMatch(res.text, /\bat \S+ \(/);
      }
      // The workers stay up through the outage.
      assert.equal((await request(notes.port, 'GET', '/healthz')).status, 200);
    } finally {
      await redis.start();
    }
    await waitFor(
      'the app to use Redis again',
      async () => (await request(notes.port, 'POST', '/counter', { token })).status === 200,
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  });
});
