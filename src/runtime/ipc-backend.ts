// The worker side of the embedded store: requests go to the store host in the supervisor (cluster
// primary or daemon) over the process's IPC channel, answers come back by request id. Every call is raced
// against a timeout and the channel's disconnect, so a dead host fails calls instead of hanging them.
// Calls issued in one turn of the event loop leave as one batch message (flushed from setImmediate, so
// every call made by the turn's callbacks and their promise chains joins it): the IPC round trip, not
// the host's work, is what a call costs, and a batch pays it once for many calls.
import { ShoalError } from '../errors.js';
import type { StoreBatch, StoreCall, StoreResults } from '../protocol/store-messages.js';
import {
  readStoreBatchResponse,
  readStorePublication,
  readStoreResponse,
  STORE_LIMITS,
  STORE_PROTOCOL_VERSION,
} from '../protocol/store-wire.js';
import { ChannelHandlers, type StoreBackend } from './store-backend.js';

interface Pending {
  op: StoreCall['op'];
  resolve(value: unknown): void;
  reject(err: Error): void;
}

/** A batch on its way: its calls and the one timer that fails whichever of them is still unanswered. */
interface InFlight {
  ids: number[];
  timer: NodeJS.Timeout;
}

export class IpcBackend implements StoreBackend {
  readonly kind = 'embedded' as const;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Calls waiting for this turn's flush, in the order they were made. */
  private queue: StoreBatch['calls'] = [];
  private flushScheduled = false;
  /** Batch id -> its calls' ids, until the host answers: a refusal of the whole batch names the batch. */
  private readonly batches = new Map<number, InFlight>();
  private readonly handlers = new ChannelHandlers();
  private listening = false;

  constructor(private readonly timeoutMs: number) {}

  get(key: string): Promise<string | null> {
    return this.call({ op: 'get', key });
  }
  set(key: string, value: string, ttl?: number): Promise<void> {
    // The host answers true; the store's set() resolves with nothing whatever its backend answers.
    return this.call({ op: 'set', key, value, ttl }) as Promise<unknown> as Promise<void>;
  }
  del(key: string): Promise<boolean> {
    return this.call({ op: 'del', key });
  }
  incr(key: string, by: number, ttl?: number): Promise<number> {
    return this.call({ op: 'incr', key, by, ttl });
  }
  cas(key: string, expected: string | null, next: string | null, ttl?: number): Promise<boolean> {
    return this.call({ op: 'cas', key, expected, next, ttl });
  }
  expire(key: string, ttl: number): Promise<boolean> {
    return this.call({ op: 'expire', key, ttl });
  }
  keys(prefix: string): Promise<string[]> {
    return this.call({ op: 'keys', prefix });
  }
  publish(channel: string, message: string): Promise<number> {
    return this.call({ op: 'publish', channel, message });
  }

  async subscribe(channel: string, handler: (message: string) => void): Promise<() => Promise<void>> {
    if (this.handlers.add(channel, handler)) {
      try {
        await this.call({ op: 'subscribe', channel });
      } catch (err) {
        this.handlers.remove(channel, handler);
        this.idle();
        throw err;
      }
    }
    let active = true;
    return async () => {
      if (!active) return;
      active = false;
      if (this.handlers.remove(channel, handler)) {
        try {
          await this.call({ op: 'unsubscribe', channel });
        } finally {
          this.idle();
        }
      }
    };
  }

  async close(): Promise<void> {
    this.handlers.clear();
    this.failAll('The store client was closed.');
  }

  private call<Op extends StoreCall['op']>(call: Extract<StoreCall, { op: Op }>): Promise<StoreResults[Op]> {
    if (typeof process.send !== 'function' || !process.connected) {
      return Promise.reject(
        unavailable(
          'No IPC channel to the store host: the process was not started by Shoal, or its supervisor is gone.',
        ),
      );
    }
    // The call object is this class's own literal, so it is given its id in place: copying it with a
    // spread was the most expensive line of a call.
    const entry = call as StoreCall as StoreBatch['calls'][number];
    entry.id = this.takeId();
    return new Promise<StoreResults[Op]>((resolve, reject) => {
      this.pending.set(entry.id, { op: call.op, resolve: resolve as (v: unknown) => void, reject });
      this.listen();
      this.queue.push(entry);
      if (this.queue.length >= STORE_LIMITS.batchCalls) this.flush();
      else if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(this.flush);
      }
    });
  }

  private takeId(): number {
    const id = this.nextId;
    this.nextId = this.nextId >= Number.MAX_SAFE_INTEGER ? 1 : this.nextId + 1;
    return id;
  }

  /** Sends the queued calls as one batch; a failed send fails each of them. */
  private readonly flush = (): void => {
    this.flushScheduled = false;
    const calls = this.queue;
    if (calls.length === 0) return;
    this.queue = [];
    const ids = calls.map((c) => c.id);
    if (typeof process.send !== 'function' || !process.connected) {
      for (const id of ids) this.settle(id)?.reject(unavailable('The IPC channel to the store host closed.'));
      return;
    }
    const batchId = this.takeId();
    // One timer per batch, not per call: its calls left together, so they share one deadline.
    const timer = setTimeout(() => {
      this.batches.delete(batchId);
      for (const id of ids) {
        const p = this.settle(id);
        p?.reject(
          unavailable(
            `The store host did not answer ${p.op} within ${this.timeoutMs} ms (SHOAL_STORE_TIMEOUT_MS): it is overloaded, or this Shoal version does not host the embedded store for this app.`,
          ),
        );
      }
    }, this.timeoutMs);
    this.batches.set(batchId, { ids, timer });
    const batch: StoreBatch = { type: 'shoal:store:batch', v: STORE_PROTOCOL_VERSION, id: batchId, calls };
    process.send(batch, undefined, {}, (err: Error | null) => {
      if (!err) return;
      this.endBatch(batchId);
      for (const id of ids)
        this.settle(id)?.reject(unavailable(`Cannot reach the store host: ${err.message}`));
    });
  };

  /** Takes a request out of the pending table; undefined if it was already answered or failed. */
  private settle(id: number): Pending | undefined {
    const p = this.pending.get(id);
    if (!p) return undefined;
    this.pending.delete(id);
    this.idle();
    return p;
  }

  /** Forgets a batch and stops its timer; returns its call ids, undefined if it was not in flight. */
  private endBatch(batchId: number): number[] | undefined {
    const b = this.batches.get(batchId);
    if (!b) return undefined;
    this.batches.delete(batchId);
    clearTimeout(b.timer);
    return b.ids;
  }

  private readonly onMessage = (message: unknown): void => {
    const type = (message as { type?: unknown } | null)?.type;
    if (type === 'shoal:store:batch-res') {
      const res = readStoreBatchResponse(message);
      if (res === null) return;
      for (const r of res.results) {
        const p = this.settle(r.id);
        if (!p) continue;
        if (r.ok) p.resolve(r.value);
        else p.reject(ShoalError.from(r.error));
      }
      // A call the answer left out (a malformed result) fails now: its batch's timer is gone.
      for (const id of this.endBatch(res.id) ?? []) {
        this.settle(id)?.reject(
          new ShoalError(
            'SHOAL_ERR_PROTOCOL_INVALID',
            "The store host answered this call's batch without it.",
          ),
        );
      }
    } else if (type === 'shoal:store:res') {
      const res = readStoreResponse(message);
      if (res === null || res.id === null) return;
      // A whole batch refused (version, shutdown, or a host that predates batches): fail each call.
      const batch = this.endBatch(res.id);
      for (const id of batch ?? [res.id]) {
        const p = this.settle(id);
        if (!p) continue;
        if (res.ok) p.resolve(res.value);
        else p.reject(ShoalError.from(res.error));
      }
    } else if (type === 'shoal:store:pub') {
      const pub = readStorePublication(message);
      if (pub) this.handlers.deliver(pub.channel, pub.message);
    }
  };

  private readonly onDisconnect = (): void => {
    this.failAll('The IPC channel to the store host closed (the supervisor is gone).');
  };

  // Listening on 'message' keeps the process alive (Node refs the channel), so the listeners are there
  // only while a call is in flight or a subscription is active: an app that is done may still exit.
  private listen(): void {
    if (this.listening) return;
    this.listening = true;
    process.on('message', this.onMessage);
    process.on('disconnect', this.onDisconnect);
  }

  private idle(): void {
    if (!this.listening || this.pending.size > 0 || this.handlers.size > 0) return;
    this.listening = false;
    process.off('message', this.onMessage);
    process.off('disconnect', this.onDisconnect);
  }

  private failAll(reason: string): void {
    this.queue = [];
    for (const b of this.batches.values()) clearTimeout(b.timer);
    this.batches.clear();
    for (const id of [...this.pending.keys()]) this.settle(id)?.reject(unavailable(reason));
    this.idle();
  }
}

function unavailable(message: string): ShoalError {
  return new ShoalError('SHOAL_ERR_STORE_UNAVAILABLE', message);
}
