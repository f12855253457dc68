// The store protocol's constants and the checks app processes run on what the host sends them, without
// the schema library: every app imports the runtime, and loading zod there would slow every start.
// The host checks requests with store-call-check.ts, specified by the zod schemas in store-messages.ts.
import type {
  StoreBatchResponse,
  StoreBatchResult,
  StorePublication,
  StoreResponse,
} from './store-messages.js';

export const STORE_PROTOCOL_VERSION = 1;

/** Limits shared by every backend so an app behaves the same on the embedded store and on Redis. */
export const STORE_LIMITS = {
  keyLength: 1024,
  /** Bytes of canonical JSON per value or published message. */
  valueBytes: 1024 * 1024,
  /** One year: longer makes no sense for shared state. */
  ttlMs: 365 * 24 * 3600 * 1000,
  /** Calls per batch message: a client flushes a full batch at once, a host refuses a larger one. */
  batchCalls: 1000,
} as const;

type Loose = Record<string, unknown>;

/** True for anything in the store's namespace, valid or not: the host answers those and only those. */
export function isStoreMessage(message: unknown): message is { type: string } {
  const type = (message as { type?: unknown } | null)?.type;
  return typeof type === 'string' && type.startsWith('shoal:store:');
}

function isValue(v: unknown): boolean {
  return (
    v === null ||
    typeof v === 'string' ||
    typeof v === 'number' ||
    typeof v === 'boolean' ||
    (Array.isArray(v) && v.every((k) => typeof k === 'string'))
  );
}

/** The host's answer, checked field by field; null when it is not a well-formed answer. */
export function readStoreResponse(message: unknown): StoreResponse | null {
  const m = message as Loose | null;
  if (typeof m !== 'object' || m === null || m.type !== 'shoal:store:res' || m.v !== STORE_PROTOCOL_VERSION) {
    return null;
  }
  if (m.id !== null && !isId(m.id)) return null;
  return isOutcome(m) ? (m as unknown as StoreResponse) : null;
}

/**
 * The host's answer to a batch; null when the envelope is not well formed. A result that is not well formed
 * is left out: its call then fails on its own timeout, the others are still answered.
 */
export function readStoreBatchResponse(message: unknown): StoreBatchResponse | null {
  const m = message as Loose | null;
  if (
    typeof m !== 'object' ||
    m === null ||
    m.type !== 'shoal:store:batch-res' ||
    m.v !== STORE_PROTOCOL_VERSION ||
    !isId(m.id) ||
    !Array.isArray(m.results)
  ) {
    return null;
  }
  const results = (m.results as unknown[]).filter(
    (r): r is StoreBatchResult =>
      typeof r === 'object' && r !== null && isId((r as Loose).id) && isOutcome(r as Loose),
  );
  return { type: 'shoal:store:batch-res', v: STORE_PROTOCOL_VERSION, id: m.id, results };
}

function isId(id: unknown): id is number {
  return typeof id === 'number' && Number.isInteger(id) && id >= 0;
}

/** ok with a value of the right kind, or a coded error. */
function isOutcome(m: Loose): boolean {
  if (m.ok === true) return isValue(m.value);
  const e = m.error as Loose | null | undefined;
  return (
    m.ok === false &&
    typeof e === 'object' &&
    e !== null &&
    typeof e.code === 'string' &&
    typeof e.message === 'string'
  );
}

export function readStorePublication(message: unknown): StorePublication | null {
  const m = message as Loose | null;
  return typeof m === 'object' &&
    m !== null &&
    m.type === 'shoal:store:pub' &&
    m.v === STORE_PROTOCOL_VERSION &&
    typeof m.channel === 'string' &&
    typeof m.message === 'string'
    ? (m as unknown as StorePublication)
    : null;
}
