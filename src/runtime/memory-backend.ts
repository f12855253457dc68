// The store of an app run alone (plain `node app.js`, no Shoal, no SHOAL_STORE_URL): the same engine as
// the embedded host, inside the process. One process means one copy of the state, so the semantics hold;
// state ends with the process.
import { MemoryStore } from '../store/memory-store.js';
import { ChannelHandlers, type StoreBackend } from './store-backend.js';

const SWEEP_INTERVAL_MS = 5_000;

export class MemoryBackend implements StoreBackend {
  readonly kind = 'memory' as const;
  private readonly engine = new MemoryStore();
  private readonly handlers = new ChannelHandlers();
  private readonly sweeper: NodeJS.Timeout;

  constructor() {
    this.sweeper = setInterval(() => this.engine.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  async get(key: string): Promise<string | null> {
    return this.engine.get(key);
  }
  async set(key: string, value: string, ttl?: number): Promise<void> {
    this.engine.set(key, value, ttl);
  }
  async del(key: string): Promise<boolean> {
    return this.engine.del(key);
  }
  async incr(key: string, by: number, ttl?: number): Promise<number> {
    return this.engine.incr(key, by, ttl);
  }
  async cas(key: string, expected: string | null, next: string | null, ttl?: number): Promise<boolean> {
    return this.engine.cas(key, expected, next, ttl);
  }
  async expire(key: string, ttl: number): Promise<boolean> {
    return this.engine.expire(key, ttl);
  }
  async keys(prefix: string): Promise<string[]> {
    return this.engine.keys(prefix);
  }

  async publish(channel: string, message: string): Promise<number> {
    const receivers = this.handlers.has(channel) ? 1 : 0;
    // Delivered later, never inside publish(), as it would be from a remote store.
    if (receivers) setImmediate(() => this.handlers.deliver(channel, message));
    return receivers;
  }

  async subscribe(channel: string, handler: (message: string) => void): Promise<() => Promise<void>> {
    this.handlers.add(channel, handler);
    return async () => {
      this.handlers.remove(channel, handler);
    };
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.handlers.clear();
  }
}
