// The store on a real Redis: the same contract as every backend, keys kept under the app's namespace,
// two clients (two machines) sharing state, and fail-fast errors during an outage that end when Redis
// is back.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from '../helpers/node-test.js';
import { Redis } from 'ioredis';
import { createSessions, createStore, type Store } from '../../src/runtime/index.js';
import { redisUnavailable, startRedis, type TestRedis } from '../helpers/redis.js';
import { waitFor } from '../helpers/shoal.js';
import { storeContract } from '../helpers/store-contract.js';

const skip = redisUnavailable() ?? false;

describe('store api on Redis', { skip }, () => {
  let redis: TestRedis;
  const cleanups: Array<() => unknown> = [];
  before(async () => {
    redis = await startRedis({ after: (fn: () => unknown) => cleanups.push(fn) });
  });
  after(async () => {
    for (const fn of cleanups) await fn();
  });

  describe('contract', () => {
    storeContract(async () => createStore({ url: redis.url, app: `contract-${randomUUID()}` }));
  });

  it('keeps every key and channel under shoal:<app>:, so apps can share one Redis', async (t) => {
    const app = `ns-${randomUUID()}`;
    const s = createStore({ url: redis.url, app });
    const other = createStore({ url: redis.url, app: `${app}-other` });
    const raw = new Redis(redis.url);
    raw.on('error', () => {});
    t.after(async () => {
      await s.close();
      await other.close();
      raw.disconnect();
    });
    await s.set('k', { v: 1 });
    await s.incr('n', 5);
    assert.equal(await raw.get(`shoal:${app}:k`), '{"v":1}');
    assert.equal(await raw.get(`shoal:${app}:n`), '5');
    assert.equal(await other.get('k'), null, 'another app does not see the key');
    assert.deepEqual(await other.keys(''), []);
    assert.deepEqual(await s.keys(''), ['k', 'n']);
  });

  it('shares counters, values and sessions between two independent clients', async (t) => {
    const app = `shared-${randomUUID()}`;
    const a = createStore({ url: redis.url, app });
    const b = createStore({ url: redis.url, app });
    t.after(async () => {
      await a.close();
      await b.close();
    });
    await Promise.all([
      ...Array.from({ length: 500 }, () => a.incr('hits')),
      ...Array.from({ length: 500 }, () => b.incr('hits')),
    ]);
    assert.equal(await a.get('hits'), 1000);
    const sa = createSessions({ store: a });
    const sb = createSessions({ store: b });
    const id = await sa.create({ user: 'ann' }, { ttl: 60_000 });
    assert.deepEqual(await sb.get(id), { user: 'ann' });
    assert.equal(await sb.update(id, { user: 'ann', cart: [1] }), true);
    assert.deepEqual(await sa.get(id), { user: 'ann', cart: [1] });
    assert.equal(await sa.touch(id), true);
    assert.equal(await sb.destroy(id), true);
    assert.equal(await sa.get(id), null);
    const got: unknown[] = [];
    const off = await b.subscribe('bus', (m) => got.push(m));
    assert.equal(await a.publish('bus', { from: 'a' }), 1);
    await waitFor('b to receive a message from a', () => got.length === 1, { timeoutMs: 5_000 });
    await off();
  });

  it('fails fast with SHOAL_ERR_STORE_UNAVAILABLE while Redis is down and recovers when it returns', async (t) => {
    if (!redis.own) {
      t.skip('REDIS_URL points at a Redis this test cannot stop');
      return;
    }
    const s = createStore({ url: redis.url, app: `outage-${randomUUID()}`, timeoutMs: 1000 });
    t.after(() => s.close());
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      stderr.push(String(chunk));
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stderr.write;
    t.after(() => {
      process.stderr.write = write;
    });
    const got: unknown[] = [];
    await s.subscribe('events', (m) => got.push(m));
    await s.set('before', 1);
    await redis.stop();
    try {
      // Calls fail, quickly, with the code and a message naming the store, not a hang.
      for (let i = 0; i < 3; i++) {
        const started = Date.now();
        await assert.rejects(s.incr('n'), (err: { code?: string; message: string }) => {
          assert.equal(err.code, 'SHOAL_ERR_STORE_UNAVAILABLE');
          assert.match(err.message, /Redis store at redis:\/\/127\.0\.0\.1/);
          return true;
        });
        assert.ok(Date.now() - started < 5_000, 'failed within the timeout');
      }
      // The client notices the lost connection on its own schedule: wait for the line, then count it.
      const outageLines = () => stderr.filter((l) => l.includes('is unavailable')).length;
      await waitFor('the outage to be logged', () => outageLines() >= 1, { timeoutMs: 10_000 });
      assert.equal(outageLines(), 1, 'one log line per outage');
    } finally {
      await redis.start();
    }
    await waitFor('the store to work again', async () => (await s.incr('n')) >= 1, {
      timeoutMs: 15_000,
      intervalMs: 100,
    });
    assert.equal(await s.get('before'), null, 'this test Redis keeps nothing across a restart');
    assert.ok(stderr.some((l) => l.includes('is back')));
    // The subscription was renewed on the new connection.
    const pub = createStore({ url: redis.url, app: '' });
    t.after(() => pub.close());
    await waitFor(
      'a publication after the outage to arrive',
      async () => {
        await s.publish('events', { after: true });
        return got.length > 0;
      },
      { timeoutMs: 15_000, intervalMs: 200 },
    );
  });
});

// A Store type reference keeps the import honest when the suite is skipped.
export type { Store };
