// The normalized app configuration: what `shoal config --json` prints and what the CLI sends the daemon.
// Keys follow PM2's names; every value is already resolved (absolute paths, numbers in ms/bytes, arrays).
// The daemon validates it again on arrival: it never trusts what comes over the socket.
import * as z from './zod-mini.js';
import { durationLimitText, MAX_COUNT, MAX_DURATION_MS, MAX_INSTANCES, nameProblem } from './limits.js';

/** An app name or namespace, by the rule the CLI applies (a client of our own may not). */
const AppName = z.string().check(
  z.superRefine((v, ctx) => {
    const problem = nameProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: `expected ${problem}` });
  }),
);
const ms = z.int().check(z.gte(0), z.lte(MAX_DURATION_MS, `expected ${durationLimitText}`));
const count = z.int().check(z.gte(0), z.lte(MAX_COUNT));
const nonEmpty = z.string().check(z.minLength(1));
/** Null unless set (classic zod's `.nullable().default(null)`). */
const orNull = <T extends z.core.SomeType>(schema: T) => z._default(z.nullable(schema), null);

export const ExecModeSchema = z.enum(['fork', 'cluster']);
export type ExecMode = z.infer<typeof ExecModeSchema>;

export const SignalSchema = z.string().check(z.regex(/^SIG[A-Z0-9]+$/, 'a signal name such as SIGINT'));

export const AppConfigSchema = z.object({
  name: AppName,
  namespace: z._default(AppName, 'default'),
  /** Absolute path of the script, or for interpreter "none" the executable (resolved on PATH). */
  script: nonEmpty,
  cwd: nonEmpty,
  args: z._default(z.array(z.string()), []),
  /** Absolute path of the interpreter, "node" (Shoal's own Node binary) or "none" (exec the script). */
  interpreter: nonEmpty,
  interpreter_args: z._default(z.array(z.string()), []),
  exec_mode: ExecModeSchema,
  /** A number >= 1, or "max" (resolved by the daemon to the usable CPU count). */
  instances: z.union([
    z.int().check(z.gte(1), z.lte(MAX_INSTANCES, `expected at most ${MAX_INSTANCES} instances`)),
    z.literal('max'),
  ]),
  /** Env defined by the process file for the chosen environment (env merged with env_<name>). */
  env: z._default(z.record(z.string(), z.string()), {}),
  /** Name of the env_<name> overlay that was applied, if any. */
  env_name: orNull(z.string()),
  /** Drop the CLI's own environment instead of inheriting it (PM2's filter_env: true). */
  filter_env: z._default(z.boolean(), false),
  instance_var: z._default(nonEmpty, 'NODE_APP_INSTANCE'),

  autorestart: z._default(z.boolean(), true),
  max_restarts: z._default(count, 16),
  min_uptime: z._default(ms, 1000),
  restart_delay: z._default(ms, 0),
  /** First delay of the exponential backoff in ms, 0 = off. */
  exp_backoff_restart_delay: z._default(ms, 0),
  /** Cap of the exponential backoff in ms. */
  exp_backoff_max_delay: z._default(ms, 60_000),
  stop_exit_codes: z._default(z.array(z.int()), []),
  kill_timeout: z._default(ms, 1600),
  kill_signal: z._default(SignalSchema, 'SIGINT'),
  shutdown_with_message: z._default(z.boolean(), false),
  treekill: z._default(z.boolean(), true),

  wait_ready: z._default(z.boolean(), false),
  listen_timeout: z._default(ms, 8000),
  /** A process whose event loop has not answered for this long (ms) is hung and replaced; 0 = off. */
  hang_timeout: z._default(ms, 30_000),
  /** How a cluster app's connections are spread over its workers (docs/cluster.md, "Balancing"). */
  balancer: z._default(z.enum(['round-robin', 'ip-hash', 'least-connections', 'kernel']), 'round-robin'),
  /** An HTTP probe of each process; failing `failures` in a row gets it replaced. Null = no probe. */
  health_check: orNull(
    z.object({
      path: z.string(),
      port: orNull(z.int().check(z.gte(1), z.lte(65535))),
      interval: z._default(ms.check(z.gte(1)), 5000),
      timeout: z._default(ms.check(z.gte(1)), 2000),
      failures: z._default(count.check(z.gte(1)), 3),
    }),
  ),

  out_file: orNull(z.string()),
  error_file: orNull(z.string()),
  log_date_format: orNull(z.string()),
  merge_logs: z._default(z.boolean(), true),
  time: z._default(z.boolean(), false),
  disable_logs: z._default(z.boolean(), false),
  /** 'raw' lines as the app wrote them, or 'json': one object per line (PM2's log_type). */
  log_type: z._default(z.enum(['raw', 'json']), 'raw'),
  /** Rotation (docs/logs.md); null means the daemon's default. Bytes, 0 = no size limit. */
  log_max_size: orNull(z.int().check(z.gte(0))),
  /** Rotated files kept per log file, 0 = all; null = the daemon's default. */
  log_retain: orNull(z.int().check(z.gte(0))),
  log_compress: orNull(z.boolean()),
  /** 'daily', 'hourly', a cron pattern or 'none'; null = the daemon's default. */
  log_rotate_interval: orNull(z.string()),

  max_memory_restart: orNull(z.int().check(z.gte(0), z.lte(Number.MAX_SAFE_INTEGER))),
  watch: z._default(z.union([z.boolean(), z.array(z.string())]), false),
  ignore_watch: z._default(z.array(z.string()), []),
  watch_delay: z._default(ms, 0),
  cron_restart: orNull(z.string()),
  autostart: z._default(z.boolean(), true),

  /** Where the app came from, for messages: the process file, or null for a CLI start. */
  source_file: orNull(z.string()),
  /** Extra settings later features read (store, auth, ...). Kept verbatim. */
  extra: z._default(z.record(z.string(), z.unknown()), {}),
});

export type AppConfig = z.infer<typeof AppConfigSchema>;
export type AppConfigInput = z.input<typeof AppConfigSchema>;
