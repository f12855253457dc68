// Durations and byte sizes as PM2 files write them ("10s", "300M"), turned into plain integers.
import { ShoalError } from '../errors.js';

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const BYTE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** Milliseconds from a number (already ms) or a string such as "500ms", "10s", "1.5m", "1h", "2d", "3000". */
export function parseDuration(v: string | number): number {
  if (typeof v === 'number')
    return checked(v, v, 'a duration in ms such as 500, "500ms", "10s", "1m" or "1h"');
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(String(v));
  const n = m ? Number(m[1]) * DURATION_UNITS[(m[2] ?? 'ms').toLowerCase()]! : Number.NaN;
  return checked(n, v, 'a duration such as 500, "500ms", "10s", "1m" or "1h"');
}

/** Bytes from a number (already bytes) or a string such as "512K", "300M", "1G", "1.5GB", "2MiB" (1K = 1024). */
export function parseBytes(v: string | number): number {
  if (typeof v === 'number')
    return checked(v, v, 'a size in bytes or a string such as "512K", "300M" or "1G"');
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(String(v));
  const n = m ? Number(m[1]) * BYTE_UNITS[m[2]!.toLowerCase()]! : Number.NaN;
  return checked(n, v, 'a size in bytes or a string such as "512K", "300M" or "1G"');
}

function checked(n: number, input: unknown, expected: string): number {
  if (Number.isFinite(n) && n >= 0) return Math.round(n);
  throw new ShoalError(
    'SHOAL_ERR_CONFIG_INVALID',
    `expected ${expected}, got ${typeof input === 'number' ? String(input) : JSON.stringify(input)}`,
    {
      expected,
      received: input,
    },
  );
}
