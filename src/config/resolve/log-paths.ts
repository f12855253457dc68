// Log file paths are relative to the app's cwd; PM2's "NULL" and /dev/null both mean "discard".
import { resolve } from 'node:path';

export function resolveLogPath(value: string | undefined, cwd: string): string | null {
  if (value === undefined) return null;
  if (value === 'NULL' || value === '/dev/null') return '/dev/null';
  return resolve(cwd, value);
}
