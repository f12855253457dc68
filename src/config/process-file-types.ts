// The types of a process file as users write it, for `defineConfig` and editors: every key the schema
// checks (as it accepts them, "300M" and 314572800 alike), PM2's alternative spellings, env_<name>
// overlays and Shoal's extension sections. Derived from the schema, so the two cannot drift apart.
import type * as z from '../protocol/zod-mini.js';
import type { rawAppSchema } from './raw-app-schema.js';

type Canonical = z.input<typeof rawAppSchema>;
type EnvValues = Record<string, string | number | boolean>;

/** PM2's other spellings of a key (compat/aliases.ts), typed like the key they stand for. */
interface Aliases {
  exec?: Canonical['script'];
  exec_interpreter?: Canonical['interpreter'];
  node_args?: Canonical['interpreter_args'];
  nodeArgs?: Canonical['interpreter_args'];
  interpreterArgs?: Canonical['interpreter_args'];
  out?: Canonical['out_file'];
  output?: Canonical['out_file'];
  out_log?: Canonical['out_file'];
  error?: Canonical['error_file'];
  err?: Canonical['error_file'];
  err_file?: Canonical['error_file'];
  err_log?: Canonical['error_file'];
  combine_logs?: Canonical['merge_logs'];
  cron?: Canonical['cron_restart'];
  autoRestart?: Canonical['autorestart'];
}

/** One app of a process file. */
export type AppEntry = Canonical &
  Aliases & {
    /** `env_production` and the like, applied with `--env production`. */
    [overlay: `env_${string}`]: EnvValues | undefined;
    /** Shoal extensions (docs/runtime.md). */
    store?: Record<string, unknown>;
    auth?: Record<string, unknown>;
    metrics?: Record<string, unknown>;
  };

/** A whole process file: `{ apps: [...] }` (with an optional pm2-deploy section), or an array of apps. */
export type ProcessFile = { apps: AppEntry[] | AppEntry; deploy?: Record<string, unknown> } | AppEntry[];

/**
 * Returns its argument: it exists so that an editor and tsc check a process file against these types.
 *   export default defineConfig({ apps: [{ name: 'api', script: 'server.js', instances: 'max' }] });
 */
export function defineConfig(config: ProcessFile): ProcessFile {
  return config;
}
