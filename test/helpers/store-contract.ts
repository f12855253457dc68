// What every store backend must do the same way, as tests registered against a store factory: the
// in-process store and Redis both run it (the embedded store's host has its own unit tests, and the IPC
// client is proven by store-ipc.test.ts).
import assert from 'node:assert/strict';
import { it } from './node-test.js';
import type { Store } from '../../src/runtime/index.js';
import { waitFor } from './shoal.js';

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (err: { code?: string }) => {
    assert.equal(err.code, code);
    return true;
  });
}

export function storeContract(make: () => Promise<Store>): void {
  const open = async (t: { after(fn: () => unknown): void }) => {
    const s = await make();
    t.after(() => s.close());
    return s;
  };

  it('stores JSON values; null means absent', async (t) => {
    const s = await open(t);
    assert.equal(await s.get('nothing'), null);
    await s.set('obj', { b: [1, 'two', { c: true }], a: null });
    assert.deepEqual(await s.get('obj'), { a: null, b: [1, 'two', { c: true }] });
    await s.set('str', 'text');
    assert.equal(await s.get('str'), 'text');
    assert.equal(await s.del('str'), true);
    assert.equal(await s.del('str'), false);
    await rejectsWith(s.set('bad', null), 'SHOAL_ERR_STORE_INVALID');
    await rejectsWith(
      s.set('bad', () => 1),
      'SHOAL_ERR_STORE_INVALID',
    );
    await rejectsWith(s.set('', 1), 'SHOAL_ERR_STORE_INVALID');
    await rejectsWith(s.set('k', 1, { ttl: 0 }), 'SHOAL_ERR_STORE_INVALID');
    await rejectsWith(s.set('k', 'x'.repeat(1024 * 1024 + 1)), 'SHOAL_ERR_STORE_INVALID');
  });

  it('increments atomically under 2,000 concurrent calls', async (t) => {
    const s = await open(t);
    const results = await Promise.all(Array.from({ length: 2000 }, () => s.incr('hits')));
    assert.equal(new Set(results).size, 2000);
    assert.equal(await s.get('hits'), 2000);
    assert.equal(await s.decr('hits', 1999), 1);
    assert.equal(await s.incr('hits', -1), 0);
    await s.set('text', 'abc');
    await rejectsWith(s.incr('text'), 'SHOAL_ERR_STORE_TYPE');
    await rejectsWith(s.incr('hits', 0.5), 'SHOAL_ERR_STORE_INVALID');
  });

  it('expires keys; an incr ttl is a fixed window set when the key is created', async (t) => {
    const s = await open(t);
    await s.set('short', 1, { ttl: 150 });
    await s.set('forever', 1);
    assert.equal(await s.incr('window', 1, { ttl: 300 }), 1);
    assert.equal(await s.incr('window', 1, { ttl: 60_000 }), 2, 'a later ttl does not extend the window');
    await waitFor('short to expire', async () => (await s.get('short')) === null, {
      timeoutMs: 5_000,
      intervalMs: 20,
    });
    await waitFor('the window to end', async () => (await s.get('window')) === null, {
      timeoutMs: 5_000,
      intervalMs: 20,
    });
    assert.equal(await s.get('forever'), 1);
    assert.equal(await s.expire('forever', 100), true);
    assert.equal(await s.expire('absent', 100), false);
    await waitFor('forever to expire', async () => (await s.get('forever')) === null, {
      timeoutMs: 5_000,
      intervalMs: 20,
    });
  });

  it('compares and sets whole JSON values regardless of key order', async (t) => {
    const s = await open(t);
    assert.equal(await s.cas('k', null, { v: 1, w: 2 }), true);
    assert.equal(await s.cas('k', null, { v: 9 }), false);
    assert.equal(await s.cas('k', { w: 2, v: 1 }, { v: 2 }), true);
    assert.equal(await s.cas('k', { v: 1, w: 2 }, { v: 3 }), false);
    assert.deepEqual(await s.get('k'), { v: 2 });
    // Only one of many concurrent swaps from the same state wins.
    const wins = await Promise.all(
      Array.from({ length: 50 }, (_, i) => s.cas('k', { v: 2 }, { v: 100 + i })),
    );
    assert.equal(wins.filter(Boolean).length, 1);
    const after = (await s.get<{ v: number }>('k'))!;
    assert.equal(await s.cas('k', after, null), true, 'next null deletes');
    assert.equal(await s.get('k'), null);
    // Without ttl a cas keeps the key's expiry.
    await s.set('t', 1, { ttl: 200 });
    assert.equal(await s.cas('t', 1, 2), true);
    await waitFor('t to expire', async () => (await s.get('t')) === null, {
      timeoutMs: 5_000,
      intervalMs: 20,
    });
  });

  it('lists keys by prefix, sorted, taking glob characters literally', async (t) => {
    const s = await open(t);
    for (const k of ['user:b', 'user:a', 'other', 'user*x', 'user:c:1']) await s.set(k, 1);
    assert.deepEqual(await s.keys('user:'), ['user:a', 'user:b', 'user:c:1']);
    assert.deepEqual(await s.keys('user*'), ['user*x']);
    assert.deepEqual(await s.keys('none'), []);
  });

  it('publishes to every subscriber of a channel until each unsubscribes', async (t) => {
    const s = await open(t);
    const a: unknown[] = [];
    const b: unknown[] = [];
    const offA = await s.subscribe('news', (m) => a.push(m));
    const offB = await s.subscribe('news', (m) => b.push(m));
    assert.ok((await s.publish('news', { n: 1 })) >= 1);
    await waitFor('both handlers to get the message', () => a.length === 1 && b.length === 1, {
      timeoutMs: 5_000,
    });
    assert.deepEqual(a, [{ n: 1 }]);
    await offA();
    await s.publish('news', { n: 2 });
    await waitFor('b to get the second message', () => b.length === 2, { timeoutMs: 5_000 });
    assert.equal(a.length, 1, 'a unsubscribed');
    await offB();
    assert.equal(await s.publish('news', 3), 0);
  });
}
