// The store protocol's constants and the checks app processes run on what the host sends them, without
// the schema library: every app imports the runtime, and loading zod there would slow every start.
// The host validates requests with the zod schemas in store-messages.ts.
import type { StorePublication, StoreResponse } from './store-messages.js';

export const STORE_PROTOCOL_VERSION = 1;

/** Limits shared by every backend so an app behaves the same on the embedded store and on Redis. */
export const STORE_LIMITS = {
  keyLength: 1024,
  /** Bytes of canonical JSON per value or published message. */
  valueBytes: 1024 * 1024,
  /** One year: longer makes no sense for shared state. */
  ttlMs: 365 * 24 * 3600 * 1000,
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
  if (m.id !== null && !(typeof m.id === 'number' && Number.isInteger(m.id) && m.id >= 0)) return null;
  if (m.ok === true) return isValue(m.value) ? (m as unknown as StoreResponse) : null;
  const e = m.error as Loose | null | undefined;
  if (
    m.ok === false &&
    typeof e === 'object' &&
    e !== null &&
    typeof e.code === 'string' &&
    typeof e.message === 'string'
  ) {
    return m as unknown as StoreResponse;
  }
  return null;
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
