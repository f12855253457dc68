// The store host's batch messages, with fake peers: calls applied in order and answered in one message,
// one bad call failing alone, refusals of a whole batch naming the batch, and a peer gone mid-answer.
import assert from 'node:assert/strict';
import { describe, it } from '../helpers/node-test.js';
import { StoreHost } from '../../src/store/store-host.js';
import { FakePeer } from '../helpers/fake-peer.js';

function batch(id: number, calls: unknown[]): unknown {
  return { type: 'shoal:store:batch', v: 1, id, calls };
}

describe('store host batches', () => {
  it('applies a batch in order and answers every call in one message', async (t) => {
    const host = new StoreHost();
    t.after(() => host.close());
    const p = new FakePeer(1);
    host.handle(
      p,
      batch(100, [
        { id: 1, op: 'set', key: 'a', value: '"x"' },
        { id: 2, op: 'get', key: 'a' },
        { id: 3, op: 'incr', key: 'n', by: 1 },
        { id: 4, op: 'incr', key: 'n', by: 1 },
        { id: 5, op: 'del', key: 'a' },
        { id: 6, op: 'get', key: 'a' },
      ]),
    );
    assert.equal(p.inbox.length, 1, 'one answer for the whole batch');
    const [res] = p.batchResponses();
    assert.equal(res?.id, 100);
    assert.deepEqual(
      res?.results.map((r) => [r.id, r.ok && r.value]),
      [
        [1, true],
        [2, '"x"'],
        [3, 1],
        [4, 2],
        [5, true],
        [6, null],
      ],
    );
  });

  it('fails only the call that is invalid or errs, and applies the rest of its batch', async (t) => {
    const host = new StoreHost();
    t.after(() => host.close());
    const p = new FakePeer(1);
    host.handle(
      p,
      batch(7, [
        { id: 1, op: 'set', key: 's', value: '"text"' },
        { id: 2, op: 'incr', key: 's', by: 1 },
        { id: 3, op: 'get', key: '' },
        { id: 4, op: 'nope' },
        { id: 5, op: 'incr', key: 'ok', by: 3 },
      ]),
    );
    const results = p.batchResponses()[0]?.results ?? [];
    const outcome = (id: number) => {
      const r = results.find((x) => x.id === id);
      return r?.ok ? { value: r.value } : { code: r?.error.code };
    };
    assert.deepEqual(outcome(1), { value: true });
    assert.deepEqual(outcome(2), { code: 'SHOAL_ERR_STORE_TYPE' });
    assert.deepEqual(outcome(3), { code: 'SHOAL_ERR_PROTOCOL_INVALID' });
    assert.deepEqual(outcome(4), { code: 'SHOAL_ERR_PROTOCOL_INVALID' });
    assert.deepEqual(outcome(5), { value: 3 });
  });

  it('refuses a whole batch with one answer carrying the batch id', async (t) => {
    const host = new StoreHost();
    t.after(() => host.close());
    const p = new FakePeer(1);
    host.handle(p, { type: 'shoal:store:batch', v: 99, id: 3, calls: [] });
    host.handle(p, batch(4, 'not a list' as unknown as unknown[]));
    host.handle(
      p,
      batch(
        5,
        Array.from({ length: 1001 }, (_, i) => ({ id: i, op: 'get', key: 'a' })),
      ),
    );
    assert.deepEqual(
      p.responses().map((r) => [r.id, r.ok ? 'ok' : r.error.code]),
      [
        [3, 'SHOAL_ERR_PROTOCOL_VERSION'],
        [4, 'SHOAL_ERR_PROTOCOL_INVALID'],
        [5, 'SHOAL_ERR_PROTOCOL_INVALID'],
      ],
    );
    await host.close();
    host.handle(p, batch(6, [{ id: 1, op: 'get', key: 'a' }]));
    const last = p.responses().at(-1);
    assert.equal(last?.id, 6);
    assert.equal(last?.ok === false && last.error.code, 'SHOAL_ERR_STORE_UNAVAILABLE');
  });

  it('keeps the writes of a batch whose peer died before the answer, and serves the others', async (t) => {
    const host = new StoreHost();
    t.after(() => host.close());
    const gone = new FakePeer(1);
    gone.dead = true;
    assert.doesNotThrow(() => host.handle(gone, batch(1, [{ id: 1, op: 'incr', key: 'n', by: 5 }])));
    const alive = new FakePeer(2);
    host.handle(alive, batch(2, [{ id: 1, op: 'incr', key: 'n', by: 1 }]));
    const r = alive.batchResponses()[0]?.results[0];
    assert.equal(r?.ok && r.value, 6, "the dead peer's acknowledged-by-the-host write is applied");
  });
});
