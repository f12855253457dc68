// The host's hand-written check of a store call against the zod schemas it stands in for: over every
// operation, each valid call and each call with one field broken in each way, the check and both schemas agree, and a
// refusal must name the field at fault.
import assert from 'node:assert/strict';
import { describe, it } from '../helpers/node-test.js';
import { checkStoreCall } from '../../src/protocol/store-call-check.js';
import { StoreBatchCallSchema, StoreRequestSchema } from '../../src/protocol/store-messages.js';
import { STORE_LIMITS } from '../../src/protocol/store-wire.js';

/** One valid call of each operation, with every optional field present. */
const VALID: Record<string, Record<string, unknown>> = {
  get: { key: 'a' },
  set: { key: 'a', value: '"x"', ttl: 1000 },
  del: { key: 'a' },
  incr: { key: 'n', by: -3, ttl: 5 },
  cas: { key: 'a', expected: '"x"', next: '"y"', ttl: 10 },
  expire: { key: 'a', ttl: STORE_LIMITS.ttlMs },
  keys: { prefix: '' },
  publish: { channel: 'c', message: '{"a":1}' },
  subscribe: { channel: 'c' },
  unsubscribe: { channel: 'c' },
};

/** Values that break some field: wrong types, out-of-range numbers, empty and overlong strings. */
const BAD_VALUES: unknown[] = [
  undefined,
  null,
  '',
  'k'.repeat(STORE_LIMITS.keyLength + 1),
  0,
  -1,
  1.5,
  Number.MAX_SAFE_INTEGER + 2,
  Number.NaN,
  STORE_LIMITS.ttlMs + 1,
  true,
  [],
  {},
  '1',
];

/**
 * The check's verdict on a call, asserted equal to the batch-call schema's and, for the same call sent as
 * a single request (with its envelope), to the request schema's.
 */
function agree(raw: unknown): { ok: boolean; problem?: string } {
  const fast = checkStoreCall(raw);
  const single =
    typeof raw === 'object' && raw !== null && !Array.isArray(raw)
      ? { type: 'shoal:store:req', v: 1, ...raw }
      : raw;
  for (const [name, spec] of [
    ['batch call', StoreBatchCallSchema.safeParse(raw)],
    ['single request', StoreRequestSchema.safeParse(single)],
  ] as const) {
    assert.equal(
      fast.ok,
      spec.success,
      `${JSON.stringify(raw)}: the check says ${fast.ok ? 'valid' : 'invalid'}, the ${name} schema ${spec.success ? 'valid' : 'invalid'}`,
    );
  }
  return fast.ok ? { ok: true } : { ok: false, problem: fast.problem };
}

describe('store call check', () => {
  it('accepts every valid call, with and without its optional fields', () => {
    for (const [op, fields] of Object.entries(VALID)) {
      assert.equal(agree({ id: 1, op, ...fields }).ok, true, op);
      const bare = Object.fromEntries(
        Object.entries(fields).filter(([k]) => !(op !== 'expire' && k === 'ttl')),
      );
      assert.equal(agree({ id: 0, op, ...bare }).ok, true, `${op} without ttl`);
    }
    assert.equal(agree({ id: 2, op: 'cas', key: 'a', expected: null, next: null }).ok, true);
    assert.equal(agree({ id: 3, op: 'get', key: 'a', extra: 'ignored' }).ok, true);
  });

  it('agrees with the schema on every field broken every way, and names the field', () => {
    let refused = 0;
    for (const [op, fields] of Object.entries(VALID)) {
      for (const name of ['id', ...Object.keys(fields)]) {
        for (const bad of BAD_VALUES) {
          const raw: Record<string, unknown> = { id: 1, op, ...fields, [name]: bad };
          if (bad === undefined) delete raw[name];
          const verdict = agree(raw);
          if (!verdict.ok) {
            refused++;
            assert.match(verdict.problem ?? '', new RegExp(`^${name}: `), JSON.stringify(raw));
          }
        }
      }
    }
    // Most of the broken calls are refused; the rest are values that happen to be valid for the field.
    assert.ok(refused > 300, `refused ${refused}`);
  });

  it('refuses what is not a call at all', () => {
    for (const raw of [
      null,
      'get',
      7,
      [],
      { id: 1 },
      { id: 1, op: 'nope', key: 'a' },
      { id: 1, op: 'toString' },
    ]) {
      assert.equal(agree(raw).ok, false, JSON.stringify(raw));
    }
    const unknown = checkStoreCall({ id: 1, op: 'nope', key: 'a' });
    assert.equal(unknown.ok, false);
    assert.match(unknown.ok ? '' : unknown.problem, /^op: unknown operation "nope"/);
  });
});
