// What each store backend implements: the embedded store over IPC, the in-process store for an app run
// alone, and Redis. Keys arrive validated and values as canonical JSON text; the Store facade in
// store.ts does the checking and the encoding once for all of them.

export type StoreKind = 'embedded' | 'memory' | 'redis';

export interface StoreBackend {
  readonly kind: StoreKind;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttl?: number): Promise<void>;
  del(key: string): Promise<boolean>;
  incr(key: string, by: number, ttl?: number): Promise<number>;
  cas(key: string, expected: string | null, next: string | null, ttl?: number): Promise<boolean>;
  expire(key: string, ttl: number): Promise<boolean>;
  keys(prefix: string): Promise<string[]>;
  publish(channel: string, message: string): Promise<number>;
  /** Resolves once the subscription is active, with the function that ends it. */
  subscribe(channel: string, handler: (message: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Per-channel handler sets, shared by the backends: one remote subscription per channel, many handlers. */
export class ChannelHandlers {
  private readonly byChannel = new Map<string, Set<(message: string) => void>>();

  get size(): number {
    return this.byChannel.size;
  }

  /** Adds a handler; true when it is the channel's first (the backend must subscribe remotely). */
  add(channel: string, handler: (message: string) => void): boolean {
    let set = this.byChannel.get(channel);
    const first = !set;
    if (!set) {
      set = new Set();
      this.byChannel.set(channel, set);
    }
    set.add(handler);
    return first;
  }

  /** Removes a handler; true when the channel has none left (the backend must unsubscribe remotely). */
  remove(channel: string, handler: (message: string) => void): boolean {
    const set = this.byChannel.get(channel);
    if (!set?.delete(handler)) return false;
    if (set.size > 0) return false;
    this.byChannel.delete(channel);
    return true;
  }

  has(channel: string): boolean {
    return this.byChannel.has(channel);
  }

  /** Calls every handler of the channel; one that throws is reported and does not stop the others. */
  deliver(channel: string, message: string): void {
    const set = this.byChannel.get(channel);
    if (!set) return;
    for (const handler of [...set]) {
      try {
        handler(message);
      } catch (err) {
        process.stderr.write(
          `shoal/runtime: a subscriber of "${channel}" threw: ${(err as Error)?.stack ?? String(err)}\n`,
        );
      }
    }
  }

  clear(): void {
    this.byChannel.clear();
  }
}
