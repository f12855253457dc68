// Messages on the IPC channel between an app process (the runtime's store client) and the embedded
// store host in its supervisor (the cluster primary, or the daemon in fork mode). Values travel as
// canonical JSON text: the host stores and compares text and never has to trust or rebuild objects.
import { z } from 'zod';
import { STORE_LIMITS, STORE_PROTOCOL_VERSION } from './store-wire.js';

export { isStoreMessage, STORE_LIMITS, STORE_PROTOCOL_VERSION } from './store-wire.js';

const Key = z.string().min(1).max(STORE_LIMITS.keyLength);
const Json = z.string().min(1).max(STORE_LIMITS.valueBytes);
const Ttl = z.number().int().min(1).max(STORE_LIMITS.ttlMs);
const Head = {
  type: z.literal('shoal:store:req'),
  v: z.literal(STORE_PROTOCOL_VERSION),
  id: z.number().int().nonnegative(),
};

export const StoreRequestSchema = z.discriminatedUnion('op', [
  z.object({ ...Head, op: z.literal('get'), key: Key }),
  z.object({ ...Head, op: z.literal('set'), key: Key, value: Json, ttl: Ttl.optional() }),
  z.object({ ...Head, op: z.literal('del'), key: Key }),
  z.object({
    ...Head,
    op: z.literal('incr'),
    key: Key,
    by: z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER),
    /** Applied only when the increment creates the key: a fixed window for rate limits. */
    ttl: Ttl.optional(),
  }),
  z.object({
    ...Head,
    op: z.literal('cas'),
    key: Key,
    /** null: the key must be absent. */
    expected: Json.nullable(),
    /** null: delete the key. */
    next: Json.nullable(),
    ttl: Ttl.optional(),
  }),
  z.object({ ...Head, op: z.literal('expire'), key: Key, ttl: Ttl }),
  z.object({ ...Head, op: z.literal('keys'), prefix: z.string().max(STORE_LIMITS.keyLength) }),
  z.object({ ...Head, op: z.literal('publish'), channel: Key, message: Json }),
  z.object({ ...Head, op: z.literal('subscribe'), channel: Key }),
  z.object({ ...Head, op: z.literal('unsubscribe'), channel: Key }),
]);
export type StoreRequest = z.infer<typeof StoreRequestSchema>;
export type StoreOp = StoreRequest['op'];
/** A request as the client builds it, before the envelope (type, v, id) is added. */
export type StoreCall = StoreRequest extends infer R
  ? R extends unknown
    ? Omit<R, 'type' | 'v' | 'id'>
    : never
  : never;

/** What each operation answers with, on success. */
export interface StoreResults {
  get: string | null;
  set: true;
  del: boolean;
  incr: number;
  cas: boolean;
  expire: boolean;
  keys: string[];
  publish: number;
  subscribe: true;
  unsubscribe: true;
}

/**
 * Host -> app process: the answer to one request. Plain types, not schemas: app processes check these by
 * hand (store-wire.ts) so that they never load the schema library.
 */
export type StoreResponse =
  | {
      type: 'shoal:store:res';
      v: typeof STORE_PROTOCOL_VERSION;
      /** null when the request was too broken to carry an id. */
      id: number | null;
      ok: true;
      value: string | number | boolean | string[] | null;
    }
  | {
      type: 'shoal:store:res';
      v: typeof STORE_PROTOCOL_VERSION;
      id: number | null;
      ok: false;
      error: { code: string; message: string };
    };

/** Host -> subscribed app process: a message published on a channel it subscribed to. */
export interface StorePublication {
  type: 'shoal:store:pub';
  v: typeof STORE_PROTOCOL_VERSION;
  channel: string;
  message: string;
}
