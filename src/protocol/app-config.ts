// The normalized app configuration: what `shoal config --json` prints and what the CLI sends the daemon.
// Keys follow PM2's names; every value is already resolved (absolute paths, numbers in ms/bytes, arrays).
// The daemon validates it again on arrival: it never trusts what comes over the socket.
import { z } from 'zod';
import { durationLimitText, MAX_COUNT, MAX_DURATION_MS, MAX_INSTANCES, nameProblem } from './limits.js';

/** An app name or namespace, by the rule the CLI applies (a client of our own may not). */
const AppName = z.string().superRefine((v, ctx) => {
  const problem = nameProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: `expected ${problem}` });
});
const ms = z.number().int().min(0).max(MAX_DURATION_MS, `expected ${durationLimitText}`);
const count = z.number().int().min(0).max(MAX_COUNT);

export const ExecModeSchema = z.enum(['fork', 'cluster']);
export type ExecMode = z.infer<typeof ExecModeSchema>;

export const SignalSchema = z.string().regex(/^SIG[A-Z0-9]+$/, 'a signal name such as SIGINT');

export const AppConfigSchema = z.object({
  name: AppName,
  namespace: AppName.default('default'),
  /** Absolute path of the script, or for interpreter "none" the executable (resolved on PATH). */
  script: z.string().min(1),
  cwd: z.string().min(1),
  args: z.array(z.string()).default([]),
  /** Absolute path of the interpreter, "node" (Shoal's own Node binary) or "none" (exec the script). */
  interpreter: z.string().min(1),
  interpreter_args: z.array(z.string()).default([]),
  exec_mode: ExecModeSchema,
  /** A number >= 1, or "max" (resolved by the daemon to the usable CPU count). */
  instances: z.union([
    z.number().int().min(1).max(MAX_INSTANCES, `expected at most ${MAX_INSTANCES} instances`),
    z.literal('max'),
  ]),
  /** Env defined by the process file for the chosen environment (env merged with env_<name>). */
  env: z.record(z.string(), z.string()).default({}),
  /** Name of the env_<name> overlay that was applied, if any. */
  env_name: z.string().nullable().default(null),
  /** Drop the CLI's own environment instead of inheriting it (PM2's filter_env: true). */
  filter_env: z.boolean().default(false),
  instance_var: z.string().min(1).default('NODE_APP_INSTANCE'),

  autorestart: z.boolean().default(true),
  max_restarts: count.default(16),
  min_uptime: ms.default(1000),
  restart_delay: ms.default(0),
  /** First delay of the exponential backoff in ms, 0 = off. */
  exp_backoff_restart_delay: ms.default(0),
  /** Cap of the exponential backoff in ms. */
  exp_backoff_max_delay: ms.default(60_000),
  stop_exit_codes: z.array(z.number().int()).default([]),
  kill_timeout: ms.default(1600),
  kill_signal: SignalSchema.default('SIGINT'),
  shutdown_with_message: z.boolean().default(false),
  treekill: z.boolean().default(true),

  wait_ready: z.boolean().default(false),
  listen_timeout: ms.default(8000),
  /** A process whose event loop has not answered for this long (ms) is hung and replaced; 0 = off. */
  hang_timeout: ms.default(30_000),
  /** How a cluster app's connections are spread over its workers (docs/cluster.md, "Balancing"). */
  balancer: z.enum(['round-robin', 'ip-hash', 'least-connections', 'kernel']).default('round-robin'),
  /** An HTTP probe of each process; failing `failures` in a row gets it replaced. Null = no probe. */
  health_check: z
    .object({
      path: z.string(),
      port: z.number().int().min(1).max(65535).nullable().default(null),
      interval: ms.min(1).default(5000),
      timeout: ms.min(1).default(2000),
      failures: count.min(1).default(3),
    })
    .nullable()
    .default(null),

  out_file: z.string().nullable().default(null),
  error_file: z.string().nullable().default(null),
  log_date_format: z.string().nullable().default(null),
  merge_logs: z.boolean().default(true),
  time: z.boolean().default(false),
  disable_logs: z.boolean().default(false),
  /** 'raw' lines as the app wrote them, or 'json': one object per line (PM2's log_type). */
  log_type: z.enum(['raw', 'json']).default('raw'),
  /** Rotation (docs/logs.md); null means the daemon's default. Bytes, 0 = no size limit. */
  log_max_size: z.number().int().min(0).nullable().default(null),
  /** Rotated files kept per log file, 0 = all; null = the daemon's default. */
  log_retain: z.number().int().min(0).nullable().default(null),
  log_compress: z.boolean().nullable().default(null),
  /** 'daily', 'hourly', a cron pattern or 'none'; null = the daemon's default. */
  log_rotate_interval: z.string().nullable().default(null),

  max_memory_restart: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable().default(null),
  watch: z.union([z.boolean(), z.array(z.string())]).default(false),
  ignore_watch: z.array(z.string()).default([]),
  watch_delay: ms.default(0),
  cron_restart: z.string().nullable().default(null),
  autostart: z.boolean().default(true),

  /** Where the app came from, for messages: the process file, or null for a CLI start. */
  source_file: z.string().nullable().default(null),
  /** Extra settings later features read (store, auth, ...). Kept verbatim. */
  extra: z.record(z.string(), z.unknown()).default({}),
});

export type AppConfig = z.infer<typeof AppConfigSchema>;
export type AppConfigInput = z.input<typeof AppConfigSchema>;
