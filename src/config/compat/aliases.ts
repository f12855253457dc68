// PM2 accepts several spellings for some keys; this step renames them to the one name the schema knows,
// so nothing after it has to know about the aliases.
import type { Problems } from '../problems.js';

/** alias -> canonical key (PM2's lib/API/schema.json plus the camelCase forms its CLI produces). */
export const KEY_ALIASES: Readonly<Record<string, string>> = {
  exec: 'script',
  exec_interpreter: 'interpreter',
  node_args: 'interpreter_args',
  nodeArgs: 'interpreter_args',
  interpreterArgs: 'interpreter_args',
  out: 'out_file',
  output: 'out_file',
  out_log: 'out_file',
  error: 'error_file',
  err: 'error_file',
  err_file: 'error_file',
  err_log: 'error_file',
  combine_logs: 'merge_logs',
  cron: 'cron_restart',
  autoRestart: 'autorestart',
  // pm2-logrotate's settings (pm2 set pm2-logrotate:<key>), accepted per app.
  max_size: 'log_max_size',
  retain: 'log_retain',
  compress: 'log_compress',
  rotateInterval: 'log_rotate_interval',
};

/**
 * Returns a copy of `app` with aliases renamed. When the canonical key and an alias are both set,
 * the canonical key wins (then the first alias in file order), and the loser is reported as a warning.
 */
export function renameAliases(
  app: Record<string, unknown>,
  label: string,
  problems: Problems,
): Record<string, unknown> {
  // Null prototype: a "__proto__" key from JSON must stay a plain (unknown) key, not change the prototype.
  const out: Record<string, unknown> = Object.create(null);
  const from = new Map<string, string>();
  for (const [key, value] of Object.entries(app)) {
    const canonical = Object.hasOwn(KEY_ALIASES, key) ? KEY_ALIASES[key]! : key;
    const earlier = from.get(canonical);
    if (earlier !== undefined) {
      const loser = canonical === key ? earlier : key;
      problems.warn(
        label,
        loser,
        `"${loser}" is ignored because "${canonical === key ? key : earlier}" is also set`,
      );
      if (canonical !== key) continue;
    }
    out[canonical] = value;
    from.set(canonical, key);
  }
  return out;
}
