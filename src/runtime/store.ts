// The shared store apps use: one API over three backends, chosen from the environment on first use.
//   SHOAL_STORE_URL=redis://... or rediss://...  -> Redis (several machines or several Shoal homes)
//   started by Shoal (IPC channel + SHOAL_APP_NAME) -> the embedded store in the app's supervisor
//   anything else (plain node)                     -> an in-process store, so the app runs unchanged
// This facade validates arguments and encodes values once, so every backend sees the same inputs.
import { ShoalError } from '../errors.js';
import { STORE_LIMITS } from '../protocol/store-wire.js';
import { decodeValue, encodeValue } from './canonical-json.js';
import { IpcBackend } from './ipc-backend.js';
import { MemoryBackend } from './memory-backend.js';
import type { StoreBackend, StoreKind } from './store-backend.js';

export type { StoreKind } from './store-backend.js';

export interface TtlOptions {
  /** Time to live in milliseconds. */
  ttl?: number;
}

export type Unsubscribe = () => Promise<void>;

export interface Store {
  /** Which backend this store uses (resolved from the environment). */
  readonly kind: StoreKind;
  /** The value, or null when the key is absent or expired. */
  get<T = unknown>(key: string): Promise<T | null>;
  /** Stores a JSON-serializable value; without ttl the key does not expire (like Redis SET). */
  set(key: string, value: unknown, opts?: TtlOptions): Promise<void>;
  /** True when the key existed. */
  del(key: string): Promise<boolean>;
  /** Atomically adds `by` (default 1) to an integer (absent counts as 0); ttl applies only when the key is created. */
  incr(key: string, by?: number, opts?: TtlOptions): Promise<number>;
  decr(key: string, by?: number, opts?: TtlOptions): Promise<number>;
  /**
   * Atomically replaces the value if it still equals `expected` (null: the key must be absent); `next`
   * null deletes it. Without ttl the key keeps its expiry. True when the swap happened.
   */
  cas<T = unknown>(key: string, expected: T | null, next: T | null, opts?: TtlOptions): Promise<boolean>;
  /** Sets a key's time to live; false when the key is absent. */
  expire(key: string, ttl: number): Promise<boolean>;
  /** Keys starting with prefix, sorted. Walks the whole store: for admin paths, not hot paths. */
  keys(prefix?: string): Promise<string[]>;
  /** Sends a JSON-serializable message to every subscriber of the channel; resolves with how many got it. */
  publish(channel: string, message: unknown): Promise<number>;
  /** Resolves once subscribed, with the function that unsubscribes. */
  subscribe<T = unknown>(channel: string, handler: (message: T) => void): Promise<Unsubscribe>;
  /** Closes connections (Redis) and listeners, so a process that is done can exit. */
  close(): Promise<void>;
}

export interface StoreOptions {
  /** Overrides SHOAL_STORE_URL: "redis://...", "rediss://...", "embedded:" or "memory:". */
  url?: string;
  /** The app's name, for the Redis key namespace; default SHOAL_APP_NAME. */
  app?: string;
  /** How long a call may wait for the store; default SHOAL_STORE_TIMEOUT_MS or 5000. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

const DEFAULT_TIMEOUT_MS = 5_000;

/** Which backend the options and environment select (no connection is made). */
export function selectStoreKind(opts: StoreOptions = {}): StoreKind {
  const env = opts.env ?? process.env;
  const url = opts.url ?? (env.SHOAL_STORE_URL || undefined);
  if (url !== undefined) {
    if (/^rediss?:\/\//i.test(url)) return 'redis';
    if (url === 'embedded:') return 'embedded';
    if (url === 'memory:') return 'memory';
    throw new ShoalError(
      'SHOAL_ERR_STORE_INVALID',
      `Unsupported store URL "${url.replace(/\/\/[^@/]*@/, '//***@')}": expected redis://host:port, rediss://..., "embedded:" or "memory:".`,
      { key: 'SHOAL_STORE_URL' },
    );
  }
  return typeof process.send === 'function' && env.SHOAL_APP_NAME ? 'embedded' : 'memory';
}

export function createStore(opts: StoreOptions = {}): Store {
  let backend: Promise<StoreBackend> | null = null;
  // The backend once it is open: calls then use it directly instead of awaiting its promise every time.
  let ready: StoreBackend | null = null;
  let kind: StoreKind | null = null;
  const resolveKind = (): StoreKind => {
    kind ??= selectStoreKind(opts);
    return kind;
  };
  const open = (): Promise<StoreBackend> => {
    if (backend) return backend;
    const opening: Promise<StoreBackend> = openBackend(resolveKind(), opts).then((b) => {
      // A store closed while this backend was opening must not go on using it.
      if (backend === opening) ready = b;
      return b;
    });
    backend = opening;
    return opening;
  };

  return {
    get kind() {
      return resolveKind();
    },
    async get<T>(key: string) {
      checkKey(key);
      return decodeValue(await (ready ?? (await open())).get(key)) as T | null;
    },
    async set(key, value, o) {
      checkKey(key);
      const json = encodeValue(value, 'the value', key);
      await (ready ?? (await open())).set(key, json, ttlOf(o, key));
    },
    async del(key) {
      checkKey(key);
      return (ready ?? (await open())).del(key);
    },
    async incr(key, by = 1, o) {
      checkKey(key);
      checkStep(by, key);
      return (ready ?? (await open())).incr(key, by, ttlOf(o, key));
    },
    async decr(key, by = 1, o) {
      checkKey(key);
      checkStep(by, key);
      return (ready ?? (await open())).incr(key, -by, ttlOf(o, key));
    },
    async cas(key, expected, next, o) {
      checkKey(key);
      const e =
        expected === null || expected === undefined ? null : encodeValue(expected, 'the expected value', key);
      const n = next === null || next === undefined ? null : encodeValue(next, 'the next value', key);
      return (ready ?? (await open())).cas(key, e, n, ttlOf(o, key));
    },
    async expire(key, ttl) {
      checkKey(key);
      return (ready ?? (await open())).expire(key, checkTtl(ttl, key));
    },
    async keys(prefix = '') {
      if (typeof prefix !== 'string' || prefix.length > STORE_LIMITS.keyLength) {
        throw invalid(
          `keys() takes a string prefix of at most ${STORE_LIMITS.keyLength} characters.`,
          prefix,
        );
      }
      return (ready ?? (await open())).keys(prefix);
    },
    async publish(channel, message) {
      checkKey(channel, 'channel');
      return (ready ?? (await open())).publish(channel, encodeValue(message, 'the message', channel));
    },
    async subscribe<T>(channel: string, handler: (message: T) => void) {
      checkKey(channel, 'channel');
      if (typeof handler !== 'function')
        throw invalid(`subscribe("${channel}") needs a handler function.`, channel);
      return (ready ?? (await open())).subscribe(channel, (json) => handler(decodeValue(json) as T));
    },
    async close() {
      const b = backend;
      backend = null;
      ready = null;
      if (b) await (await b.catch(() => null))?.close();
    },
  };
}

async function openBackend(kind: StoreKind, opts: StoreOptions): Promise<StoreBackend> {
  const env = opts.env ?? process.env;
  const timeoutMs = opts.timeoutMs ?? (Number(env.SHOAL_STORE_TIMEOUT_MS) || DEFAULT_TIMEOUT_MS);
  if (kind === 'embedded') return new IpcBackend(timeoutMs);
  if (kind === 'memory') return new MemoryBackend();
  const { createRedisBackend } = await import('./redis-backend.js');
  const url = opts.url ?? (env.SHOAL_STORE_URL as string);
  return createRedisBackend({ url, app: opts.app ?? env.SHOAL_APP_NAME ?? 'default', timeoutMs });
}

function invalid(message: string, key: string): ShoalError {
  return new ShoalError('SHOAL_ERR_STORE_INVALID', message, { key });
}

function checkKey(key: string, what = 'key'): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > STORE_LIMITS.keyLength) {
    throw invalid(
      `Expected the ${what} to be a non-empty string of at most ${STORE_LIMITS.keyLength} characters, got ${typeof key === 'string' ? `${key.length} characters` : typeof key}.`,
      String(key),
    );
  }
}

function checkStep(by: number, key: string): void {
  if (!Number.isSafeInteger(by))
    throw invalid(`Expected the increment of "${key}" to be an integer, got ${by}.`, key);
}

function checkTtl(ttl: unknown, key: string): number {
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 1 || ttl > STORE_LIMITS.ttlMs) {
    throw invalid(
      `Expected the ttl of "${key}" to be a whole number of milliseconds between 1 and ${STORE_LIMITS.ttlMs}, got ${String(ttl)}.`,
      key,
    );
  }
  return ttl;
}

function ttlOf(opts: TtlOptions | undefined, key: string): number | undefined {
  return opts?.ttl === undefined ? undefined : checkTtl(opts.ttl, key);
}

/** The app's shared store (backend chosen on first use). */
export const store: Store = createStore();
