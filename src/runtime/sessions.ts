// Server-side sessions on the shared store: an unguessable id maps to JSON data with a time to live, so any
// worker (or machine, with Redis) can read a session another one created, and destroying it revokes it
// everywhere at once. Use them for what a stateless token cannot do: revocation, refresh, server data.
import { randomBytes } from 'node:crypto';
import { ShoalError } from '../errors.js';
import { type Store, store as defaultStore } from './store.js';

export interface SessionOptions {
  /** Time to live in ms; touch() extends it by the same amount. Default 30 minutes. */
  ttl?: number;
}

export interface Sessions {
  /** Creates a session and returns its id (43 url-safe characters, 256 random bits). */
  create<T = unknown>(data: T, opts?: SessionOptions): Promise<string>;
  /** The session's data, or null when it does not exist, expired or the id is malformed. */
  get<T = unknown>(id: string): Promise<T | null>;
  /** Replaces the data, keeping the expiry; false when the session is gone. */
  update<T = unknown>(id: string, data: T): Promise<boolean>;
  /** Extends the session by its ttl; false when it is gone. */
  touch(id: string): Promise<boolean>;
  /** Ends the session; false when it was already gone. */
  destroy(id: string): Promise<boolean>;
}

interface Stored {
  data: unknown;
  ttl: number;
}

const DEFAULT_TTL_MS = 30 * 60 * 1000;
const ID = /^[A-Za-z0-9_-]{43}$/;
const UPDATE_ATTEMPTS = 8;

export function createSessions(opts: { store?: Store; prefix?: string } = {}): Sessions {
  const store = opts.store ?? defaultStore;
  const prefix = opts.prefix ?? 'session:';
  const keyOf = (id: string) => `${prefix}${id}`;
  const read = async (id: string): Promise<Stored | null> =>
    typeof id === 'string' && ID.test(id) ? store.get<Stored>(keyOf(id)) : null;

  return {
    async create(data, o = {}) {
      const ttl = o.ttl ?? DEFAULT_TTL_MS;
      const id = randomBytes(32).toString('base64url');
      // cas with "must be absent": a collision of 256 random bits will not happen, and if it did it
      // must not hand someone else's session over.
      if (!(await store.cas(keyOf(id), null, { data, ttl }, { ttl }))) {
        throw new ShoalError(
          'SHOAL_ERR_INTERNAL',
          'A new session id collided with an existing one; try again.',
        );
      }
      return id;
    },
    async get<T>(id: string) {
      return ((await read(id))?.data ?? null) as T | null;
    },
    async update(id, data) {
      // Read then compare-and-set, retried if another worker changed the session meanwhile.
      for (let i = 0; i < UPDATE_ATTEMPTS; i++) {
        const current = await read(id);
        if (!current) return false;
        if (await store.cas(keyOf(id), current, { data, ttl: current.ttl })) return true;
      }
      throw new ShoalError(
        'SHOAL_ERR_TIMEOUT',
        `Session update kept conflicting with concurrent updates (${UPDATE_ATTEMPTS} attempts).`,
      );
    },
    async touch(id) {
      const current = await read(id);
      return current ? store.expire(keyOf(id), current.ttl) : false;
    },
    async destroy(id) {
      return typeof id === 'string' && ID.test(id) ? store.del(keyOf(id)) : false;
    },
  };
}

/** Sessions on the app's shared store. */
export const sessions: Sessions = createSessions();
