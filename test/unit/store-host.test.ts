// The embedded store host on its own, with fake peers: every operation, TTL on a controlled clock,
// pub/sub fan-out, answers to malformed messages, and the snapshot kept across a host restart.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from '../helpers/node-test.js';
import { StoreHost } from '../../src/store/store-host.js';
import type { StoreCall, StoreResponse } from '../../src/protocol/store-messages.js';
import { FakePeer } from '../helpers/fake-peer.js';

let nextId = 1_000_000;
/** Sends one request and returns the host's answer to it. */
function call(host: StoreHost, peer: FakePeer, req: StoreCall): StoreResponse {
  const id = nextId++;
  assert.equal(host.handle(peer, { type: 'shoal:store:req', v: 1, id, ...req }), true);
  const res = peer.responses().find((r) => r.id === id);
  assert.ok(res, `an answer to request ${id}`);
  return res;
}

function value(res: StoreResponse): unknown {
  assert.equal(res.ok, true, JSON.stringify(res));
  return (res as { value: unknown }).value;
}

function errorCode(res: StoreResponse): string {
  assert.equal(res.ok, false, JSON.stringify(res));
  return (res as { error: { code: string } }).error.code;
}

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('store host', () => {
  it('gets, sets and deletes JSON values, null meaning absent', async (t) => {
    const host = new StoreHost();
    t.after(() => host.close());
    const p = new FakePeer(1);
    assert.equal(value(call(host, p, { op: 'get', key: 'a' })), null);
    assert.equal(value(call(host, p, { op: 'set', key: 'a', value: '{"x":1}' })), true);
    assert.equal(value(call(host, p, { op: 'get', key: 'a' })), '{"x":1}');
    assert.equal(value(call(host, p, { op: 'del', key: 'a' })), true);
    assert.equal(value(call(host, p, { op: 'del', key: 'a' })), false);
    assert.equal(value(call(host, p, { op: 'get', key: 'a' })), null);
  });

  it('applies increments from many peers atomically: every result is distinct and none is lost', async (t) => {
    const host = new StoreHost();
    t.after(() => host.close());
    const peers = Array.from({ length: 8 }, (_, i) => new FakePeer(i + 1));
    // Interleave the peers' requests as they would arrive from several workers.
    const perPeer = 1000;
    for (let i = 0; i < perPeer; i++) {
      for (const p of peers)
        host.handle(p, { type: 'shoal:store:req', v: 1, id: i, op: 'incr', key: 'n', by: 1 });
    }
    const results = peers.flatMap((p) => p.responses().map((r) => value(r) as number));
    assert.equal(results.length, peers.length * perPeer);
    assert.equal(new Set(results).size, results.length, 'no two increments saw the same value');
    assert.equal(Math.max(...results), peers.length * perPeer);
    assert.equal(value(call(host, peers[0]!, { op: 'get', key: 'n' })), String(peers.length * perPeer));
    assert.equal(value(call(host, peers[0]!, { op: 'incr', key: 'n', by: -8000 })), 0);
  });

  it('refuses to increment a value that is not an integer, naming the key', async (t) => {
    const host = new StoreHost();
    t.after(() => host.close());
    const p = new FakePeer(1);
    call(host, p, { op: 'set', key: 's', value: '"five"' });
    const res = call(host, p, { op: 'incr', key: 's', by: 1 });
    assert.equal(errorCode(res), 'SHOAL_ERR_STORE_TYPE');
    assert.match((res as { error: { message: string } }).error.message, /"s"/);
    call(host, p, { op: 'set', key: 'big', value: String(Number.MAX_SAFE_INTEGER) });
    assert.equal(errorCode(call(host, p, { op: 'incr', key: 'big', by: 1 })), 'SHOAL_ERR_STORE_TYPE');
  });

  it('expires keys after their ttl, lazily and by the sweep; incr sets a ttl only when it creates the key', async (t) => {
    const c = clock();
    const host = new StoreHost({ now: c.now, sweepIntervalMs: 0 });
    t.after(() => host.close());
    const p = new FakePeer(1);
    call(host, p, { op: 'set', key: 'short', value: '1', ttl: 100 });
    call(host, p, { op: 'set', key: 'long', value: '1', ttl: 10_000 });
    call(host, p, { op: 'incr', key: 'window', by: 1, ttl: 100 });
    c.advance(60);
    // The second increment must not push the window's end further away.
    assert.equal(value(call(host, p, { op: 'incr', key: 'window', by: 1, ttl: 100 })), 2);
    assert.deepEqual(value(call(host, p, { op: 'keys', prefix: '' })), ['long', 'short', 'window']);
    c.advance(50);
    assert.equal(value(call(host, p, { op: 'get', key: 'short' })), null);
    assert.equal(value(call(host, p, { op: 'get', key: 'window' })), null);
    assert.equal(value(call(host, p, { op: 'incr', key: 'window', by: 1, ttl: 100 })), 1, 'a new window');
    assert.deepEqual(value(call(host, p, { op: 'keys', prefix: '' })), ['long', 'window']);
    // A set without ttl makes a key permanent; expire gives it one again.
    call(host, p, { op: 'set', key: 'long', value: '2' });
    c.advance(20_000);
    assert.equal(value(call(host, p, { op: 'get', key: 'long' })), '2');
    assert.equal(value(call(host, p, { op: 'expire', key: 'long', ttl: 10 })), true);
    assert.equal(value(call(host, p, { op: 'expire', key: 'nothing', ttl: 10 })), false);
    c.advance(11);
    assert.equal(value(call(host, p, { op: 'get', key: 'long' })), null);
    assert.deepEqual(value(call(host, p, { op: 'keys', prefix: '' })), []);
    assert.equal(host.stats().keys, 0, 'keys() dropped what it found expired');
  });

  it('sweeps expired keys nobody reads', async (t) => {
    const host = new StoreHost({ sweepIntervalMs: 20 });
    t.after(() => host.close());
    const p = new FakePeer(1);
    for (let i = 0; i < 50; i++) call(host, p, { op: 'set', key: `k${i}`, value: '1', ttl: 10 });
    assert.equal(host.stats().keys, 50);
    const deadline = Date.now() + 5_000;
    while (host.stats().keys > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(host.stats().keys, 0, 'the sweep removed every expired key');
  });

  it('compares and sets: absent, equal, different, delete, and keeps the ttl unless given one', async (t) => {
    const c = clock();
    const host = new StoreHost({ now: c.now, sweepIntervalMs: 0 });
    t.after(() => host.close());
    const p = new FakePeer(1);
    assert.equal(value(call(host, p, { op: 'cas', key: 'k', expected: null, next: '1' })), true);
    assert.equal(
      value(call(host, p, { op: 'cas', key: 'k', expected: null, next: '2' })),
      false,
      'no longer absent',
    );
    assert.equal(value(call(host, p, { op: 'cas', key: 'k', expected: '2', next: '3' })), false, 'not 2');
    assert.equal(value(call(host, p, { op: 'cas', key: 'k', expected: '1', next: '3', ttl: 100 })), true);
    c.advance(50);
    assert.equal(value(call(host, p, { op: 'cas', key: 'k', expected: '3', next: '4' })), true);
    c.advance(60);
    assert.equal(
      value(call(host, p, { op: 'get', key: 'k' })),
      null,
      'the ttl of the earlier cas still applied',
    );
    call(host, p, { op: 'set', key: 'd', value: '"x"' });
    assert.equal(value(call(host, p, { op: 'cas', key: 'd', expected: '"x"', next: null })), true);
    assert.equal(value(call(host, p, { op: 'get', key: 'd' })), null);
  });

  it('lists keys by prefix, sorted', async (t) => {
    const host = new StoreHost();
    t.after(() => host.close());
    const p = new FakePeer(1);
    for (const k of ['user:b', 'user:a', 'other', 'user:c:1'])
      call(host, p, { op: 'set', key: k, value: '1' });
    assert.deepEqual(value(call(host, p, { op: 'keys', prefix: 'user:' })), ['user:a', 'user:b', 'user:c:1']);
    assert.deepEqual(value(call(host, p, { op: 'keys', prefix: 'none' })), []);
  });

  it('fans publications out to subscribed peers only, and forgets a peer that left', async (t) => {
    const host = new StoreHost();
    t.after(() => host.close());
    const [a, b, c] = [new FakePeer(1), new FakePeer(2), new FakePeer(3)];
    call(host, a, { op: 'subscribe', channel: 'news' });
    call(host, b, { op: 'subscribe', channel: 'news' });
    call(host, b, { op: 'subscribe', channel: 'news' }); // twice is once
    call(host, c, { op: 'subscribe', channel: 'other' });
    assert.equal(value(call(host, c, { op: 'publish', channel: 'news', message: '{"n":1}' })), 2);
    assert.deepEqual(
      a.publications().map((m) => [m.channel, m.message]),
      [['news', '{"n":1}']],
    );
    assert.equal(b.publications().length, 1);
    assert.equal(c.publications().length, 0);
    host.removePeer(a.id);
    assert.equal(value(call(host, c, { op: 'publish', channel: 'news', message: '2' })), 1);
    call(host, b, { op: 'unsubscribe', channel: 'news' });
    assert.equal(value(call(host, c, { op: 'publish', channel: 'news', message: '3' })), 0);
    // A peer whose channel broke is dropped on the first failed delivery.
    call(host, a, { op: 'subscribe', channel: 'other' });
    a.dead = true;
    assert.equal(value(call(host, c, { op: 'publish', channel: 'other', message: '4' })), 1);
    assert.deepEqual(host.stats(), { keys: 0, channels: 1, peers: 1 });
  });

  it('answers every malformed store message with a coded error, never throws, and ignores other messages', async (t) => {
    const host = new StoreHost();
    t.after(() => host.close());
    const p = new FakePeer(1);
    for (const other of [
      null,
      undefined,
      'ready',
      42,
      { type: 'shoal:ready' },
      { type: 'shoal:stats' },
      [],
    ]) {
      assert.equal(host.handle(p, other), false);
    }
    assert.equal(p.inbox.length, 0);
    const cases: [unknown, string, number | null][] = [
      [{ type: 'shoal:store:req', v: 1, id: 7, op: 'nope', key: 'a' }, 'SHOAL_ERR_PROTOCOL_INVALID', 7],
      [{ type: 'shoal:store:req', v: 1, id: 8, op: 'get' }, 'SHOAL_ERR_PROTOCOL_INVALID', 8],
      [{ type: 'shoal:store:req', v: 1, id: 9, op: 'get', key: '' }, 'SHOAL_ERR_PROTOCOL_INVALID', 9],
      [
        { type: 'shoal:store:req', v: 1, id: 10, op: 'incr', key: 'a', by: 1.5 },
        'SHOAL_ERR_PROTOCOL_INVALID',
        10,
      ],
      [
        { type: 'shoal:store:req', v: 1, id: 11, op: 'set', key: 'a', value: '1', ttl: -1 },
        'SHOAL_ERR_PROTOCOL_INVALID',
        11,
      ],
      [
        { type: 'shoal:store:req', v: 1, id: 12, op: 'set', key: 'x'.repeat(5000), value: '1' },
        'SHOAL_ERR_PROTOCOL_INVALID',
        12,
      ],
      [{ type: 'shoal:store:req', v: 2, id: 13, op: 'get', key: 'a' }, 'SHOAL_ERR_PROTOCOL_VERSION', 13],
      [{ type: 'shoal:store:req', v: 1, op: 'get', key: 'a' }, 'SHOAL_ERR_PROTOCOL_INVALID', null],
      [{ type: 'shoal:store:res', v: 1, id: 14, ok: true, value: 1 }, 'SHOAL_ERR_PROTOCOL_INVALID', 14],
      [{ type: 'shoal:store:whatever', id: 'x' }, 'SHOAL_ERR_PROTOCOL_INVALID', null],
    ];
    for (const [message, code, id] of cases) {
      p.inbox.length = 0;
      assert.equal(host.handle(p, message), true, JSON.stringify(message).slice(0, 80));
      const [res] = p.responses();
      assert.ok(res, `an answer to ${JSON.stringify(message).slice(0, 80)}`);
      assert.equal(res.id, id);
      assert.equal(errorCode(res), code, JSON.stringify(message).slice(0, 80));
    }
    // A peer that died before its answer: the host carries on.
    const gone = new FakePeer(2);
    gone.dead = true;
    assert.equal(
      host.handle(gone, { type: 'shoal:store:req', v: 1, id: 1, op: 'set', key: 'a', value: '1' }),
      true,
    );
    assert.equal(value(call(host, p, { op: 'get', key: 'a' })), '1', 'the write was applied anyway');
  });

  it('refuses requests once closed', async () => {
    const host = new StoreHost();
    await host.close();
    const p = new FakePeer(1);
    assert.equal(errorCode(call(host, p, { op: 'get', key: 'a' })), 'SHOAL_ERR_STORE_UNAVAILABLE');
  });

  it('keeps its data in a private snapshot across a restart, without what expired meanwhile', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'shoal-store-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'app.store.json');
    const c = clock(Date.now());
    const first = new StoreHost({ snapshotFile: file, now: c.now });
    const p = new FakePeer(1);
    call(first, p, { op: 'set', key: 'keep', value: '{"a":1}' });
    call(first, p, { op: 'set', key: 'soon', value: '1', ttl: 1000 });
    call(first, p, { op: 'set', key: 'later', value: '1', ttl: 60_000 });
    call(first, p, { op: 'incr', key: 'n', by: 41 });
    call(first, p, { op: 'subscribe', channel: 'c' });
    await first.close();
    assert.equal(statSync(file).mode & 0o777, 0o600);

    c.advance(5_000);
    const logs: string[] = [];
    const second = new StoreHost({ snapshotFile: file, now: c.now, log: (e) => logs.push(e) });
    t.after(() => second.close());
    assert.deepEqual(logs, ['store.snapshot_loaded']);
    assert.equal(value(call(second, p, { op: 'get', key: 'keep' })), '{"a":1}');
    assert.equal(value(call(second, p, { op: 'incr', key: 'n', by: 1 })), 42);
    assert.equal(value(call(second, p, { op: 'get', key: 'soon' })), null);
    assert.equal(value(call(second, p, { op: 'get', key: 'later' })), '1');
    assert.equal(
      value(call(second, p, { op: 'publish', channel: 'c', message: '1' })),
      0,
      'subscriptions are not kept',
    );
  });

  it('writes the snapshot periodically while dirty, and sets a corrupt one aside', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'shoal-store-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'app.store.json');
    const host = new StoreHost({ snapshotFile: file, snapshotIntervalMs: 20 });
    const p = new FakePeer(1);
    call(host, p, { op: 'set', key: 'a', value: '1' });
    const deadline = Date.now() + 5_000;
    let saved = '';
    while (Date.now() < deadline) {
      try {
        saved = readFileSync(file, 'utf8');
        if (saved.includes('"a"')) break;
      } catch {
        // not written yet
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.match(saved, /"a"/, 'the periodic snapshot was written without close()');
    await host.close();

    writeFileSync(file, '{ not json');
    const logs: string[] = [];
    const next = new StoreHost({ snapshotFile: file, log: (e) => logs.push(e) });
    t.after(() => next.close());
    assert.deepEqual(logs, ['store.snapshot_corrupt']);
    assert.equal(value(call(next, p, { op: 'get', key: 'a' })), null);
    assert.ok(
      readdirSync(dir).some((f) => f.startsWith('app.store.json.corrupt-')),
      'the corrupt file is kept for inspection',
    );
  });
});
