// The worker-side store client over a real IPC channel: this test process hosts a StoreHost and forks
// clients with child_process.fork, exactly as a primary (or the daemon) hosts the store for its workers.
import assert from 'node:assert/strict';
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import type { TestContext } from 'node:test';
import { describe, it } from '../helpers/node-test.js';
import { StoreHost } from '../../src/store/store-host.js';
import { FakePeer } from '../helpers/fake-peer.js';
import { fixture } from '../helpers/shoal.js';

interface Client {
  child: ChildProcess;
  /** Resolves with the next result the client reports. */
  next(): Promise<unknown>;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
  stdout(): string;
}

function startClient(
  t: TestContext,
  host: StoreHost | null,
  args: string[],
  env: Record<string, string> = {},
): Client {
  const child = fork(fixture('store-client.mts'), args, {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, SHOAL_APP_NAME: 'ipc-test', SHOAL_STORE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  // Node can emit 'exit' before the messages still in the channel: a client is gone without reporting
  // only once its channel has closed too.
  const channelClosed = new Promise<void>((resolve) => child.once('disconnect', () => resolve()));
  let out = '';
  child.stdout?.on('data', (d) => (out += String(d)));
  // A send to a client that just exited fails asynchronously; the exit tells the test what it needs.
  child.on('error', () => {});
  const results: unknown[] = [];
  const waiters: Array<(r: unknown) => void> = [];
  const peer = { id: child.pid ?? -1, send: (m: unknown) => child.send(m as object) };
  child.on('message', (m: unknown) => {
    if (host?.handle(peer, m)) return;
    if ((m as { type?: string })?.type !== 'test:result') return;
    const result = (m as { result: unknown }).result;
    const w = waiters.shift();
    if (w) w(result);
    else results.push(result);
  });
  child.on('exit', () => host?.removePeer(peer.id));
  return {
    child,
    exited,
    stdout: () => out,
    next: () =>
      results.length > 0
        ? Promise.resolve(results.shift())
        : new Promise((resolve, reject) => {
            waiters.push(resolve);
            Promise.all([exited, channelClosed]).then(([[code]]) =>
              reject(new Error(`client exited (${code}) before reporting; stdout: ${out}`)),
            );
          }),
  };
}

describe('store client over IPC', () => {
  it('keeps increments atomic across three forked clients firing 1,000 concurrent calls each', async (t) => {
    const host = new StoreHost();
    t.after(() => host.close());
    const clients = [0, 1, 2].map(() => startClient(t, host, ['incr', '1000']));
    const results = (await Promise.all(clients.map((c) => c.next()))) as number[][];
    const all = results.flat();
    assert.equal(all.length, 3000);
    assert.deepEqual(
      [...all].sort((a, b) => a - b),
      Array.from({ length: 3000 }, (_, i) => i + 1),
      'every value from 1 to 3000 was handed out exactly once',
    );
    // No pending call and no subscription: each client exits by itself, its channel no longer held.
    for (const c of clients) assert.deepEqual(await c.exited, [0, null]);
  });

  it('carries every operation, JSON values, coded errors and pub/sub through the channel', async (t) => {
    const host = new StoreHost();
    t.after(() => host.close());
    const c = startClient(t, host, ['ops']);
    const out = (await c.next()) as Record<string, unknown>;
    assert.deepEqual(out, {
      get: { name: 'ann', roles: ['a', 'b'] },
      casSameObject: true,
      casStale: false,
      afterCas: { name: 'bob' },
      keys: ['user:1', 'user:2'],
      decr: -5,
      expire: true,
      del: true,
      missing: null,
      badStep: 'SHOAL_ERR_STORE_INVALID',
      notInteger: 'SHOAL_ERR_STORE_TYPE',
      nullValue: 'SHOAL_ERR_STORE_INVALID',
      receivers: 1,
      received: [{ hello: 'world' }],
      receiversAfter: 0,
      kind: 'embedded',
    });
    assert.deepEqual(await c.exited, [0, null]);
  });

  it('delivers publications from another process to a subscriber until it unsubscribes', async (t) => {
    const host = new StoreHost();
    t.after(() => host.close());
    const sub = startClient(t, host, ['subscriber']);
    assert.equal(await sub.next(), 'subscribed');
    const pub = new FakePeer(999);
    host.handle(pub, {
      type: 'shoal:store:req',
      v: 1,
      id: 1,
      op: 'publish',
      channel: 'events',
      message: '{"n":7}',
    });
    assert.deepEqual(await sub.next(), { got: { n: 7 } });
    // The subscriber unsubscribed in its handler, so it has nothing left to wait for.
    assert.deepEqual(await sub.exited, [0, null]);
  });

  it('fails a call with SHOAL_ERR_STORE_UNAVAILABLE when no host answers in time', async (t) => {
    const c = startClient(t, null, ['timeout'], { SHOAL_STORE_TIMEOUT_MS: '300' });
    const out = (await c.next()) as { code: string; message: string; elapsed: number };
    assert.equal(out.code, 'SHOAL_ERR_STORE_UNAVAILABLE');
    assert.match(out.message, /did not answer get within 300 ms/);
    assert.ok(out.elapsed >= 250 && out.elapsed < 10_000, `failed after ${out.elapsed} ms`);
  });

  it('fails pending calls at once when the channel to the host closes', async (t) => {
    const c = startClient(t, null, ['disconnect'], { SHOAL_STORE_TIMEOUT_MS: '60000' });
    assert.equal(await c.next(), 'waiting');
    const started = Date.now();
    c.child.disconnect();
    await c.exited;
    assert.ok(Date.now() - started < 10_000, 'did not wait for the 60 s timeout');
    assert.deepEqual(JSON.parse(c.stdout().trim()), { code: 'SHOAL_ERR_STORE_UNAVAILABLE' });
  });

  it('batches the calls of one turn from several clients, in call order, failing only the call that errs', async (t) => {
    const host = new StoreHost();
    t.after(() => host.close());
    const clients = ['a', 'b', 'c'].map((tag) => startClient(t, host, ['batch-order', tag]));
    const outs = (await Promise.all(clients.map((c) => c.next()))) as Array<{
      own: number[];
      writes: number;
      read: unknown;
      mixed: unknown[];
      shared: number[];
    }>;
    for (const out of outs) {
      assert.deepEqual(
        out.own,
        Array.from({ length: 200 }, (_, i) => i + 1),
      );
      assert.equal(out.writes, 50);
      assert.equal(out.read, 49, 'the read issued after 50 writes sees the last one');
      assert.deepEqual(out.mixed, [1, 'SHOAL_ERR_STORE_TYPE', 2]);
      // Within one client the shared counter only grows, in call order.
      assert.ok(out.shared.every((v, i) => i === 0 || v > out.shared[i - 1]!));
    }
    assert.deepEqual(
      outs.flatMap((o) => o.shared).sort((x, y) => x - y),
      Array.from({ length: 900 }, (_, i) => i + 1),
      'every shared increment was applied exactly once',
    );
    for (const c of clients) assert.deepEqual(await c.exited, [0, null]);
  });

  it('keeps serving other clients when one dies with a batch in flight', async (t) => {
    const host = new StoreHost();
    t.after(() => host.close());
    const dying = startClient(t, host, ['die-in-flight']);
    assert.deepEqual(await dying.exited, [0, null]);
    const c = startClient(t, host, ['incr', '10']);
    const got = (await c.next()) as number[];
    assert.equal(got.length, 10);
    // Whatever part of the dead client's batch reached the host was applied whole, call by call.
    const first = Math.min(...got);
    assert.ok(first >= 1 && first <= 501, `counter went on from the dead client's writes: ${first}`);
    assert.deepEqual(
      [...got].sort((x, y) => x - y),
      Array.from({ length: 10 }, (_, i) => first + i),
    );
    assert.deepEqual(await c.exited, [0, null]);
  });

  it('fails each call of a batch with the error of a host that refuses the batch as a whole', async (t) => {
    // A host from before batches answers anything that is not a single request with an error naming
    // the message's id, which for a batch is the batch's own id.
    const oldHost = {
      handle(peer: { send(m: unknown): void }, m: unknown) {
        const msg = m as { type?: string; id?: number };
        if (!msg?.type?.startsWith('shoal:store:')) return false;
        peer.send({
          type: 'shoal:store:res',
          v: 1,
          id: msg.id ?? null,
          ok: false,
          error: { code: 'SHOAL_ERR_PROTOCOL_INVALID', message: `accepts requests only, got "${msg.type}"` },
        });
        return true;
      },
      removePeer() {},
    } as unknown as StoreHost;
    const c = startClient(t, oldHost, ['timeout'], { SHOAL_STORE_TIMEOUT_MS: '60000' });
    const out = (await c.next()) as { code: string; elapsed: number };
    assert.equal(out.code, 'SHOAL_ERR_PROTOCOL_INVALID');
    assert.ok(out.elapsed < 10_000, 'failed at once, not on the 60 s timeout');
  });
});
