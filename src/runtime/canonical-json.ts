// Values cross the store as canonical JSON text (object keys sorted), so that cas compares the same way
// on every backend: Redis compares bytes, and {a:1,b:2} must equal {b:2,a:1} there too.
import { ShoalError } from '../errors.js';
import { STORE_LIMITS } from '../protocol/store-wire.js';

function sortKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const obj = value as Record<string, unknown>;
  const sorted: Record<string, unknown> = {};
  for (const k of Object.keys(obj).sort()) sorted[k] = obj[k];
  return sorted;
}

/** Encodes a value for the store; null/undefined and non-JSON values are refused with a coded error. */
export function encodeValue(value: unknown, what: string, key: string): string {
  if (value === null || value === undefined) {
    throw new ShoalError(
      'SHOAL_ERR_STORE_INVALID',
      `Cannot store ${String(value)} as ${what} of "${key}": null means "absent" in the store; use del() to remove a key.`,
      { key },
    );
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(value, sortKeys);
  } catch (err) {
    throw new ShoalError(
      'SHOAL_ERR_STORE_INVALID',
      `Cannot store ${what} of "${key}": it is not JSON-serializable (${(err as Error).message}).`,
      { key },
      { cause: err },
    );
  }
  if (json === undefined || json === 'null') {
    throw new ShoalError(
      'SHOAL_ERR_STORE_INVALID',
      `Cannot store ${what} of "${key}": a ${typeof value} is not JSON-serializable.`,
      { key },
    );
  }
  if (json.length > STORE_LIMITS.valueBytes / 4 && Buffer.byteLength(json) > STORE_LIMITS.valueBytes) {
    throw new ShoalError(
      'SHOAL_ERR_STORE_INVALID',
      `Cannot store ${what} of "${key}": ${Buffer.byteLength(json)} bytes of JSON, the limit is ${STORE_LIMITS.valueBytes}.`,
      { key },
    );
  }
  return json;
}

export function decodeValue(json: string | null): unknown {
  return json === null ? null : JSON.parse(json);
}
