// The environment a running process really has, read from the OS (/proc/<pid>/environ on Linux): what
// `shoal env` prints, rather than what the daemon meant to give it.
import { readFileSync } from 'node:fs';

/** The process's environment as it was exec'd, or null where the OS does not show it (not Linux, gone). */
export function readProcessEnv(pid: number): Record<string, string> | null {
  if (process.platform !== 'linux') return null;
  let raw: string;
  try {
    raw = readFileSync(`/proc/${pid}/environ`, 'utf8');
  } catch {
    return null;
  }
  const env: Record<string, string> = {};
  for (const entry of raw.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}
