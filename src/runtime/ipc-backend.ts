// The worker side of the embedded store: requests go to the store host in the supervisor (cluster
// primary or daemon) over the process's IPC channel, answers come back by request id. Every call is raced
// against a timeout and the channel's disconnect, so a dead host fails calls instead of hanging them.
import { ShoalError } from '../errors.js';
import type { StoreCall, StoreResults } from '../protocol/store-messages.js';
import { readStorePublication, readStoreResponse, STORE_PROTOCOL_VERSION } from '../protocol/store-wire.js';
import { ChannelHandlers, type StoreBackend } from './store-backend.js';

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

export class IpcBackend implements StoreBackend {
  readonly kind = 'embedded' as const;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly handlers = new ChannelHandlers();
  private listening = false;

  constructor(private readonly timeoutMs: number) {}

  get(key: string): Promise<string | null> {
    return this.call({ op: 'get', key });
  }
  async set(key: string, value: string, ttl?: number): Promise<void> {
    await this.call({ op: 'set', key, value, ttl });
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
    const id = this.nextId;
    this.nextId = this.nextId >= Number.MAX_SAFE_INTEGER ? 1 : this.nextId + 1;
    return new Promise<StoreResults[Op]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.settle(id)?.reject(
          unavailable(
            `The store host did not answer ${call.op} within ${this.timeoutMs} ms (SHOAL_STORE_TIMEOUT_MS): it is overloaded, or this Shoal version does not host the embedded store for this app.`,
          ),
        );
      }, this.timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.listen();
      process.send?.(
        { type: 'shoal:store:req', v: STORE_PROTOCOL_VERSION, id, ...call },
        undefined,
        {},
        (err: Error | null) => {
          if (err) this.settle(id)?.reject(unavailable(`Cannot reach the store host: ${err.message}`));
        },
      );
    });
  }

  /** Takes a request out of the pending table; undefined if it was already answered or failed. */
  private settle(id: number): Pending | undefined {
    const p = this.pending.get(id);
    if (!p) return undefined;
    this.pending.delete(id);
    clearTimeout(p.timer);
    this.idle();
    return p;
  }

  private readonly onMessage = (message: unknown): void => {
    const type = (message as { type?: unknown } | null)?.type;
    if (type === 'shoal:store:res') {
      const res = readStoreResponse(message);
      if (res === null || res.id === null) return;
      const p = this.settle(res.id);
      if (!p) return;
      if (res.ok) p.resolve(res.value);
      else p.reject(ShoalError.from(res.error));
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
    for (const id of [...this.pending.keys()]) this.settle(id)?.reject(unavailable(reason));
    this.idle();
  }
}

function unavailable(message: string): ShoalError {
  return new ShoalError('SHOAL_ERR_STORE_UNAVAILABLE', message);
}
