// The store host's check of one call, written out by hand. The zod schemas in store-messages.ts are the
// specification (and give the types); this check accepts exactly what they accept, a single request or
// a call inside a batch (test/unit/store-call-check.test.ts holds them side by side), at a fraction of
// the cost: every call passes through it, and with the schema library it was a third of the host's time.
import { STORE_LIMITS } from './store-wire.js';
import type { StoreCall } from './store-messages.js';

export type CheckedCall = StoreCall & { id: number };
export type CallCheck = { ok: true; call: CheckedCall } | { ok: false; problem: string };

type Loose = Record<string, unknown>;
type Field = (v: unknown) => string | null;

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

const text =
  (min: number, max: number): Field =>
  (v) =>
    typeof v === 'string' && v.length >= min && v.length <= max
      ? null
      : `expected a string of ${min} to ${max} characters`;

const key = text(1, STORE_LIMITS.keyLength);
const json = text(1, STORE_LIMITS.valueBytes);
const prefix = text(0, STORE_LIMITS.keyLength);
const ttl: Field = (v) =>
  isInt(v) && v >= 1 && v <= STORE_LIMITS.ttlMs
    ? null
    : `expected whole milliseconds from 1 to ${STORE_LIMITS.ttlMs}`;
const step: Field = (v) => (isInt(v) ? null : 'expected a safe integer');
const optional =
  (f: Field): Field =>
  (v) =>
    v === undefined ? null : f(v);
const nullable =
  (f: Field): Field =>
  (v) =>
    v === null ? null : f(v);

/** Each operation's fields besides op and id, with their checks: the same table as OPS in store-messages.ts. */
const FIELDS: Record<StoreCall['op'], Record<string, Field>> = {
  get: { key },
  set: { key, value: json, ttl: optional(ttl) },
  del: { key },
  incr: { key, by: step, ttl: optional(ttl) },
  cas: { key, expected: nullable(json), next: nullable(json), ttl: optional(ttl) },
  expire: { key, ttl },
  keys: { prefix },
  publish: { channel: key, message: json },
  subscribe: { channel: key },
  unsubscribe: { channel: key },
};

/** Checks one call (its op, id and fields; a single request's type and v are the host's to check). */
export function checkStoreCall(raw: unknown): CallCheck {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, problem: 'expected an object' };
  }
  const m = raw as Loose;
  const fields =
    typeof m.op === 'string' && Object.hasOwn(FIELDS, m.op) ? FIELDS[m.op as StoreCall['op']] : null;
  if (fields === null)
    return { ok: false, problem: `op: unknown operation ${JSON.stringify(m.op) ?? 'undefined'}` };
  if (!isInt(m.id) || m.id < 0) return { ok: false, problem: 'id: expected a whole number of 0 or more' };
  for (const name in fields) {
    const problem = fields[name]!(m[name]);
    if (problem !== null) return { ok: false, problem: `${name}: ${problem}` };
  }
  return { ok: true, call: m as unknown as CheckedCall };
}
