// Sorts an app's keys into what the schema validates, env_<name> overlays, Shoal extensions kept verbatim,
// and the rest: PM2 options Shoal does not implement and plain unknown keys, which are warned about and dropped.
import type { Problems } from '../problems.js';

/** Shoal-only settings that later features read from `extra` (store, auth, metrics). */
export const EXTENSION_KEYS: ReadonlySet<string> = new Set(['store', 'auth', 'metrics']);

/** PM2 app options Shoal ignores, with what to do instead. */
export const PM2_UNSUPPORTED: Readonly<Record<string, string>> = {
  uid: 'run the daemon as that user instead',
  user: 'run the daemon as that user instead',
  gid: 'run the daemon with that group instead',
  username: 'it is informational only',
  port: 'set env.PORT instead',
  force: 'names are unique in Shoal; give the copy another name',
  append_env_to_name: 'put the environment in "name" yourself',
  increment_var: 'derive the value from the instance variable in the app',
  log_file: 'Shoal writes out_file and error_file; there is no combined file',
  log: 'Shoal writes out_file and error_file; there is no combined file',
  pid_file: 'Shoal keeps pids in its own state',
  pid: 'Shoal keeps pids in its own state',
  watch_options: 'Shoal has its own watcher',
  kill_retry_time: 'Shoal polls process exit itself',
  source_map_support: 'pass --enable-source-maps in interpreter_args',
  disable_source_map_support: 'pass --enable-source-maps in interpreter_args',
  execute_command: 'it is a legacy PM2 flag',
  name_prefix: 'put the prefix in "name"',
  windowsHide: 'Shoal targets Linux and macOS',
  write: 'use `shoal config --json` to see the result',
  install_url: 'modules are not supported',
  vizion: 'git metadata is not collected',
  post_update: 'git deploy commands are not supported',
  pmx: 'Shoal has no APM agent; see `metrics`',
  automation: 'Shoal has no APM agent; see `metrics`',
  io: 'Shoal has no APM agent; see `metrics`',
  trace: 'Shoal has no APM agent; see `metrics`',
  disable_trace: 'Shoal has no APM agent; see `metrics`',
  v8: 'Shoal has no APM agent; see `metrics`',
  event_loop_inspector: 'Shoal has no APM agent; see `metrics`',
  deep_monitoring: 'Shoal has no APM agent; see `metrics`',
};

export interface SortedKeys {
  known: Record<string, unknown>;
  /** env_<name> values by <name>, still unvalidated. */
  overlays: Record<string, unknown>;
  extra: Record<string, unknown>;
}

export function sortKeys(
  app: Record<string, unknown>,
  knownKeys: ReadonlySet<string>,
  label: string,
  problems: Problems,
): SortedKeys {
  // Null prototypes: keys come from user files, and "env___proto__" must not reach a prototype.
  const sorted: SortedKeys = {
    known: Object.create(null),
    overlays: Object.create(null),
    extra: Object.create(null),
  };
  for (const [key, value] of Object.entries(app)) {
    if (knownKeys.has(key)) sorted.known[key] = value;
    else if (key.startsWith('env_') && key.length > 4) sorted.overlays[key.slice(4)] = value;
    else if (EXTENSION_KEYS.has(key)) sorted.extra[key] = value;
    else if (Object.hasOwn(PM2_UNSUPPORTED, key)) {
      problems.warn(
        label,
        key,
        `"${key}" is a PM2 option Shoal does not support and is ignored: ${PM2_UNSUPPORTED[key]}`,
      );
    } else problems.warn(label, key, `unknown key "${key}" is ignored${suggestion(key, knownKeys)}`);
  }
  return sorted;
}

/** camelCase spellings of snake_case keys are the most common slip (maxRestarts for max_restarts). */
function suggestion(key: string, knownKeys: ReadonlySet<string>): string {
  const snake = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/-/g, '_');
  return snake !== key && knownKeys.has(snake) ? ` (did you mean "${snake}"?)` : '';
}
