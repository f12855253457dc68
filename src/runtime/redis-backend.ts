// The store on Redis, for apps that run on several machines (or several Shoal homes): the same semantics
// as the embedded store, every key under "shoal:<app>:" so apps can share one Redis. Calls fail fast with
// SHOAL_ERR_STORE_UNAVAILABLE while Redis is unreachable (no offline queue: a request must not wait for
// an outage to end) and work again as soon as ioredis has reconnected.
import type { Redis, RedisOptions } from 'ioredis';
import { ShoalError } from '../errors.js';
import { COMPARE_AND_SET, INCR_WITH_TTL } from './redis-scripts.js';
import { ChannelHandlers, type StoreBackend } from './store-backend.js';

export interface RedisBackendOptions {
  url: string;
  /** The app's name: keys and channels live under "shoal:<app>:". */
  app: string;
  timeoutMs: number;
}

interface ScriptCommands {
  shoalIncr(key: string, by: number, ttl: number): Promise<number>;
  shoalCas(
    key: string,
    expected: string,
    expectAbsent: string,
    next: string,
    del: string,
    ttl: number,
  ): Promise<number>;
}

/** Reconnect forever, quickly at first and at most every second, so recovery follows Redis closely. */
const retryStrategy = (times: number): number => Math.min(50 * 2 ** Math.min(times, 5), 1000);

export async function createRedisBackend(opts: RedisBackendOptions): Promise<RedisBackend> {
  // Loaded only when an app selects Redis, so other apps never pay for it.
  const { Redis: RedisClient } = await import('ioredis');
  const options: RedisOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: opts.timeoutMs,
    connectTimeout: opts.timeoutMs,
    retryStrategy,
    connectionName: `shoal:${opts.app}:${process.pid}`,
  };
  return new RedisBackend(new RedisClient(opts.url, options), opts);
}

export class RedisBackend implements StoreBackend {
  readonly kind = 'redis' as const;
  private readonly ns: string;
  private readonly where: string;
  private subscriber: Redis | null = null;
  private readonly handlers = new ChannelHandlers();
  private lastError: Error | null = null;
  private readonly readyWaits = new Map<Redis, Promise<void>>();
  private outageReported = false;
  private closed = false;

  constructor(
    private readonly client: Redis,
    private readonly opts: RedisBackendOptions,
  ) {
    this.ns = `shoal:${opts.app}:`;
    this.where = redactUrl(opts.url);
    client.defineCommand('shoalIncr', { numberOfKeys: 1, lua: INCR_WITH_TTL });
    client.defineCommand('shoalCas', { numberOfKeys: 1, lua: COMPARE_AND_SET });
    this.watch(client);
  }

  get(key: string): Promise<string | null> {
    return this.run(() => this.client.get(this.ns + key));
  }

  async set(key: string, value: string, ttl?: number): Promise<void> {
    await this.run(() =>
      ttl ? this.client.set(this.ns + key, value, 'PX', ttl) : this.client.set(this.ns + key, value),
    );
  }

  async del(key: string): Promise<boolean> {
    return (await this.run(() => this.client.del(this.ns + key))) > 0;
  }

  incr(key: string, by: number, ttl?: number): Promise<number> {
    return this.run(() =>
      ttl ? this.scripts.shoalIncr(this.ns + key, by, ttl) : this.client.incrby(this.ns + key, by),
    );
  }

  async cas(key: string, expected: string | null, next: string | null, ttl?: number): Promise<boolean> {
    const swapped = await this.run(() =>
      this.scripts.shoalCas(
        this.ns + key,
        expected ?? '',
        expected === null ? '1' : '0',
        next ?? '',
        next === null ? '1' : '0',
        ttl ?? 0,
      ),
    );
    return swapped === 1;
  }

  async expire(key: string, ttl: number): Promise<boolean> {
    return (await this.run(() => this.client.pexpire(this.ns + key, ttl))) === 1;
  }

  /** SCAN, not KEYS: it does not block Redis for other clients, at the price of several round trips. */
  async keys(prefix: string): Promise<string[]> {
    const pattern = `${escapeGlob(this.ns + prefix)}*`;
    const found = new Set<string>();
    let cursor = '0';
    do {
      const [next, batch] = await this.run(() => this.client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000));
      // SCAN may return a key twice; the set keeps one.
      for (const k of batch) found.add(k.slice(this.ns.length));
      cursor = next;
    } while (cursor !== '0');
    return [...found].sort();
  }

  publish(channel: string, message: string): Promise<number> {
    return this.run(() => this.client.publish(this.ns + channel, message));
  }

  async subscribe(channel: string, handler: (message: string) => void): Promise<() => Promise<void>> {
    const sub = this.subscriberConnection();
    if (this.handlers.add(channel, handler)) {
      try {
        await this.run(() => sub.subscribe(this.ns + channel), sub);
      } catch (err) {
        this.handlers.remove(channel, handler);
        throw err;
      }
    }
    let active = true;
    return async () => {
      if (!active) return;
      active = false;
      if (this.handlers.remove(channel, handler))
        await this.run(() => sub.unsubscribe(this.ns + channel), sub);
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.handlers.clear();
    await Promise.all(
      [this.client, this.subscriber].map((c) => (c ? quit(c, this.opts.timeoutMs) : undefined)),
    );
  }

  private get scripts(): ScriptCommands {
    return this.client as unknown as ScriptCommands;
  }

  /** A second connection: a Redis connection in subscriber mode can run no other command. */
  private subscriberConnection(): Redis {
    if (!this.subscriber) {
      this.subscriber = this.client.duplicate({
        connectionName: `shoal:${this.opts.app}:${process.pid}:sub`,
      });
      this.watch(this.subscriber);
      this.subscriber.on('message', (channel: string, message: string) => {
        if (channel.startsWith(this.ns)) this.handlers.deliver(channel.slice(this.ns.length), message);
      });
    }
    return this.subscriber;
  }

  private watch(conn: Redis): void {
    conn.on('error', (err: Error) => {
      this.lastError = err;
      // One line per outage in the app's error log, not one per reconnect attempt.
      if (!this.outageReported && !this.closed) {
        this.outageReported = true;
        process.stderr.write(
          `shoal/runtime: Redis store at ${this.where} is unavailable (${err.message}); retrying\n`,
        );
      }
    });
    conn.on('ready', () => {
      this.lastError = null;
      if (this.outageReported) process.stderr.write(`shoal/runtime: Redis store at ${this.where} is back\n`);
      this.outageReported = false;
    });
  }

  private async run<T>(op: () => Promise<T>, conn: Redis = this.client): Promise<T> {
    if (this.closed) throw unavailable(`The Redis store client for ${this.where} was closed.`);
    await this.whenReady(conn);
    try {
      return await op();
    } catch (err) {
      throw this.translate(err);
    }
  }

  /**
   * The first calls of a fresh process wait (bounded) for the initial connection; once a connection
   * attempt has failed, calls fail at once until Redis is back, rather than each waiting out the outage.
   */
  private whenReady(conn: Redis): Promise<void> {
    if (conn.status === 'ready') return Promise.resolve();
    if (this.lastError || conn.status === 'end' || conn.status === 'close') {
      return Promise.reject(this.outage());
    }
    // One wait per connection, shared by every call made meanwhile (not one listener pair per call).
    let wait = this.readyWaits.get(conn);
    if (!wait) {
      wait = new Promise<void>((resolve, reject) => {
        const done = (err?: Error) => {
          clearTimeout(timer);
          conn.off('ready', onReady);
          conn.off('error', onError);
          this.readyWaits.delete(conn);
          if (err) reject(err);
          else resolve();
        };
        const onReady = () => done();
        const onError = () => done(this.outage());
        const timer = setTimeout(() => done(this.outage()), this.opts.timeoutMs);
        conn.once('ready', onReady);
        conn.once('error', onError);
      });
      this.readyWaits.set(conn, wait);
    }
    return wait;
  }

  private outage(): ShoalError {
    const why = this.lastError ? this.lastError.message : `no connection within ${this.opts.timeoutMs} ms`;
    return unavailable(`The Redis store at ${this.where} is unavailable (${why}); Shoal keeps reconnecting.`);
  }

  private translate(err: unknown): ShoalError {
    if (err instanceof ShoalError) return err;
    const e = err as Error;
    if (e?.name === 'ReplyError') {
      if (/not an integer|out of range|WRONGTYPE|overflow/i.test(e.message)) {
        return new ShoalError(
          'SHOAL_ERR_STORE_TYPE',
          `Redis refused the operation on the stored value: ${e.message}`,
          {},
          { cause: err },
        );
      }
      return new ShoalError(
        'SHOAL_ERR_INTERNAL',
        `Redis refused the operation: ${e.message}`,
        {},
        { cause: err },
      );
    }
    return new ShoalError(
      'SHOAL_ERR_STORE_UNAVAILABLE',
      `The Redis store at ${this.where} is unavailable (${e?.message ?? String(err)}); Shoal keeps reconnecting.`,
      {},
      { cause: err },
    );
  }
}

function unavailable(message: string): ShoalError {
  return new ShoalError('SHOAL_ERR_STORE_UNAVAILABLE', message);
}

function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, '\\$&');
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'an invalid URL';
  }
}

async function quit(conn: Redis, timeoutMs: number): Promise<void> {
  if (conn.status === 'end') return;
  const timer = setTimeout(() => conn.disconnect(), timeoutMs);
  try {
    await conn.quit();
  } catch {
    conn.disconnect();
  } finally {
    clearTimeout(timer);
  }
}
