// What changed between the config an app runs with and the one a process file now gives it, key by key,
// for the per-app report of `reload <file>` and startOrReload. Env and extra settings are compared per
// variable (`env.API_URL`); only key names are reported, never values, which may be secrets.
import type { AppConfig } from '../../protocol/app-config.js';

export interface ConfigChanges {
  added: string[];
  removed: string[];
  changed: string[];
}

/** Keys whose change needs new log files (fork processes are re-created, cluster workers get them anyway). */
export const LOG_KEYS = [
  'out_file',
  'error_file',
  'log_date_format',
  'merge_logs',
  'time',
  'disable_logs',
] as const satisfies readonly (keyof AppConfig)[];

/** Where the app came from is not a setting: a file moved on disk is the same app. */
const NOT_SETTINGS = new Set<string>(['source_file']);

const isAbsent = (v: unknown) => v === null || v === undefined;

function flatten(config: AppConfig): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(config)) {
    if (NOT_SETTINGS.has(key)) continue;
    if (key === 'env' || key === 'extra') {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) out.set(`${key}.${k}`, v);
    } else {
      out.set(key, value);
    }
  }
  return out;
}

/** Added, removed and changed keys, each sorted; a key set to null counts as absent. */
export function diffConfig(before: AppConfig, after: AppConfig): ConfigChanges {
  const a = flatten(before);
  const b = flatten(after);
  const changes: ConfigChanges = { added: [], removed: [], changed: [] };
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const was = a.get(key);
    const now = b.get(key);
    if (isAbsent(was) && isAbsent(now)) continue;
    if (isAbsent(was)) changes.added.push(key);
    else if (isAbsent(now)) changes.removed.push(key);
    else if (JSON.stringify(was) !== JSON.stringify(now)) changes.changed.push(key);
  }
  for (const list of Object.values(changes)) list.sort();
  return changes;
}

export const hasChanges = (c: ConfigChanges) => c.added.length + c.removed.length + c.changed.length > 0;

/** True when any of these keys is among the changes. */
export function touches(c: ConfigChanges, keys: readonly string[]): boolean {
  return [...c.added, ...c.removed, ...c.changed].some((k) => keys.includes(k));
}
