// Messages on the IPC channel between an app process (the runtime's store client) and the embedded
// store host in its supervisor (the cluster primary, or the daemon in fork mode). Values travel as
// canonical JSON text: the host stores and compares text and never has to trust or rebuild objects.
import * as z from './zod-mini.js';
import { STORE_LIMITS, STORE_PROTOCOL_VERSION } from './store-wire.js';

export { isStoreMessage, STORE_LIMITS, STORE_PROTOCOL_VERSION } from './store-wire.js';

const Key = z.string().check(z.minLength(1), z.maxLength(STORE_LIMITS.keyLength));
const Json = z.string().check(z.minLength(1), z.maxLength(STORE_LIMITS.valueBytes));
const Ttl = z.int().check(z.gte(1), z.lte(STORE_LIMITS.ttlMs));
const Head = {
  type: z.literal('shoal:store:req'),
  v: z.literal(STORE_PROTOCOL_VERSION),
  id: z.int().check(z.gte(0)),
};

/** Each operation's own fields, shared by a single request and by a call inside a batch. */
const OPS = {
  get: { op: z.literal('get'), key: Key },
  set: { op: z.literal('set'), key: Key, value: Json, ttl: z.optional(Ttl) },
  del: { op: z.literal('del'), key: Key },
  incr: {
    op: z.literal('incr'),
    key: Key,
    by: z.int().check(z.gte(Number.MIN_SAFE_INTEGER), z.lte(Number.MAX_SAFE_INTEGER)),
    /** Applied only when the increment creates the key: a fixed window for rate limits. */
    ttl: z.optional(Ttl),
  },
  cas: {
    op: z.literal('cas'),
    key: Key,
    /** null: the key must be absent. */
    expected: z.nullable(Json),
    /** null: delete the key. */
    next: z.nullable(Json),
    ttl: z.optional(Ttl),
  },
  expire: { op: z.literal('expire'), key: Key, ttl: Ttl },
  keys: { op: z.literal('keys'), prefix: z.string().check(z.maxLength(STORE_LIMITS.keyLength)) },
  publish: { op: z.literal('publish'), channel: Key, message: Json },
  subscribe: { op: z.literal('subscribe'), channel: Key },
  unsubscribe: { op: z.literal('unsubscribe'), channel: Key },
} as const;

export const StoreRequestSchema = z.discriminatedUnion('op', [
  z.object({ ...Head, ...OPS.get }),
  z.object({ ...Head, ...OPS.set }),
  z.object({ ...Head, ...OPS.del }),
  z.object({ ...Head, ...OPS.incr }),
  z.object({ ...Head, ...OPS.cas }),
  z.object({ ...Head, ...OPS.expire }),
  z.object({ ...Head, ...OPS.keys }),
  z.object({ ...Head, ...OPS.publish }),
  z.object({ ...Head, ...OPS.subscribe }),
  z.object({ ...Head, ...OPS.unsubscribe }),
]);

/**
 * One call inside a batch (see StoreBatch): the operation's fields and its own id, no envelope. Each call
 * is checked on its own, so one malformed call fails alone and the rest of its batch is applied.
 */
const CallId = { id: z.int().check(z.gte(0)) };
export const StoreBatchCallSchema = z.discriminatedUnion('op', [
  z.object({ ...CallId, ...OPS.get }),
  z.object({ ...CallId, ...OPS.set }),
  z.object({ ...CallId, ...OPS.del }),
  z.object({ ...CallId, ...OPS.incr }),
  z.object({ ...CallId, ...OPS.cas }),
  z.object({ ...CallId, ...OPS.expire }),
  z.object({ ...CallId, ...OPS.keys }),
  z.object({ ...CallId, ...OPS.publish }),
  z.object({ ...CallId, ...OPS.subscribe }),
  z.object({ ...CallId, ...OPS.unsubscribe }),
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

/**
 * App process -> host: the calls one process issued in one turn of its event loop, in the order it issued
 * them; the host applies them in that order and answers with one StoreBatchResponse. `id` names the batch
 * itself: a host that cannot take the batch as a whole (wrong version, shutting down, or an older host
 * that knows single requests only) answers with one StoreResponse carrying that id, and the client fails
 * every call of the batch with its error.
 */
export interface StoreBatch {
  type: 'shoal:store:batch';
  v: typeof STORE_PROTOCOL_VERSION;
  id: number;
  calls: Array<StoreCall & { id: number }>;
}

/** One call's answer inside a batch answer: a StoreResponse without its envelope. */
export type StoreBatchResult =
  | { id: number; ok: true; value: Extract<StoreResponse, { ok: true }>['value'] }
  | { id: number; ok: false; error: { code: string; message: string } };

/** Host -> app process: the answers to one batch, in the order of its calls. */
export interface StoreBatchResponse {
  type: 'shoal:store:batch-res';
  v: typeof STORE_PROTOCOL_VERSION;
  /** The batch's id. */
  id: number;
  results: StoreBatchResult[];
}

/** Host -> subscribed app process: a message published on a channel it subscribed to. */
export interface StorePublication {
  type: 'shoal:store:pub';
  v: typeof STORE_PROTOCOL_VERSION;
  channel: string;
  message: string;
}
