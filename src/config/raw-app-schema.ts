// The zod schema of one app as written in a process file, after PM2 aliases are renamed (compat/aliases.ts).
// It checks each key's type and turns PM2's value forms into one form ("10s" -> 10000, "a b" -> ["a","b"]);
// paths, the script, the interpreter and the instance count are resolved later (resolve/).
import { constants } from 'node:os';
import { Cron } from 'croner';
import { z } from 'zod';
import { durationLimitText, MAX_COUNT, MAX_DURATION_MS, MAX_INSTANCES } from '../protocol/limits.js';
import { nameProblem } from './names.js';
import { splitCommandLine } from './resolve/command-line.js';
import { parseBytes, parseDuration } from './units.js';

/** Runs a converter that throws on bad input, turning the throw into an issue whose message is `expected`. */
function convert<I, O>(expected: string, fn: (v: I) => O) {
  return (v: I, ctx: z.RefinementCtx): O => {
    try {
      return fn(v);
    } catch {
      ctx.addIssue({ code: 'custom', message: expected });
      return z.NEVER;
    }
  };
}

const bool = z.boolean();
const text = z.string().min(1);
const count = z
  .union([z.number().int().min(0), z.string().regex(/^\d+$/).transform(Number)])
  .refine((n) => n <= MAX_COUNT, { message: `a whole number from 0 to ${MAX_COUNT}` });
const exitCode = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);
const stringList = z.union([text, z.array(z.string())]).transform((v) => (typeof v === 'string' ? [v] : v));

const duration = z
  .union([z.number(), z.string()])
  .transform(convert('a duration such as 500, "500ms", "10s", "1m" or "1h"', parseDuration))
  .refine((ms) => ms <= MAX_DURATION_MS, { message: `a duration of ${durationLimitText}` });

/**
 * Checked with croner, the library the daemon schedules with, so a pattern accepted here is one the
 * daemon can run. Without a callback croner only parses: no timer is created.
 */
const cronPattern = text.superRefine((v, ctx) => {
  try {
    new Cron(v);
  } catch (err) {
    ctx.addIssue({
      code: 'custom',
      message: `a cron pattern with 5 fields (6 with seconds first) such as "0 3 * * *" (${(err as Error).message})`,
    });
  }
});

const SIZE = 'a size such as 524288000, "512K", "300M" or "1G"';
const bytes = z
  .union([z.number(), z.string()])
  .transform(convert(SIZE, parseBytes))
  .refine((n) => n <= Number.MAX_SAFE_INTEGER, { message: 'a size of at most 8 PiB' });

const identifier = z.string().superRefine((v, ctx) => {
  const problem = nameProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** Env values as PM2 flattens them: scalars stringified, objects as JSON, undefined left out (as Node does). */
export const envSchema = z.record(z.string(), z.unknown()).transform((env) => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) continue;
    out[k] = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  return out;
});

const signal = z.string().transform(
  convert('a signal name such as SIGINT or SIGTERM', (v: string) => {
    const name = v.toUpperCase().startsWith('SIG') ? v.toUpperCase() : `SIG${v.toUpperCase()}`;
    if (!Object.hasOwn(constants.signals, name)) throw new Error(name);
    return name;
  }),
);

const ROTATE_INTERVAL = '"daily", "hourly", "none" or a cron pattern such as "0 */6 * * *"';
const rotateInterval = z.union([z.literal(false), z.string()]).transform(
  convert(ROTATE_INTERVAL, (v: string | false) => {
    if (v === false || v === 'none') return 'none';
    if (v === 'daily' || v === 'hourly') return v;
    new Cron(v, { paused: true }).stop();
    return v;
  }),
);

export const rawAppSchema = z.object({
  name: identifier.optional(),
  namespace: identifier.optional(),
  script: text.optional(),
  cwd: text.optional(),
  args: z
    .union([z.string(), z.array(z.union([z.string(), z.number()]))])
    .transform(
      convert('a command line with balanced quotes', (v: string | (string | number)[]) =>
        typeof v === 'string' ? splitCommandLine(v) : v.map(String),
      ),
    )
    .optional(),
  interpreter: text.optional(),
  interpreter_args: z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (typeof v === 'string' ? v.split(/\s+/).filter(Boolean) : v))
    .optional(),
  exec_mode: z
    .enum(['fork', 'fork_mode', 'cluster', 'cluster_mode'])
    .transform((v) => (v.startsWith('fork') ? ('fork' as const) : ('cluster' as const)))
    .optional(),
  instances: z
    .union([
      z.number().int(),
      z
        .string()
        .regex(/^\s*-?\d+\s*$/)
        .transform(Number),
      z
        .string()
        .regex(/^max$/i)
        .transform(() => 'max' as const),
    ])
    .refine((n) => n === 'max' || n <= MAX_INSTANCES, {
      message: `at most ${MAX_INSTANCES} instances (a number, "max" or a negative number)`,
    })
    .optional(),
  env: envSchema.optional(),
  filter_env: bool.optional(),
  instance_var: text.optional(),

  autorestart: bool.optional(),
  max_restarts: count.optional(),
  min_uptime: duration.optional(),
  restart_delay: duration.optional(),
  exp_backoff_restart_delay: duration.optional(),
  exp_backoff_max_delay: duration.optional(),
  stop_exit_codes: z
    .union([exitCode, z.array(exitCode)])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .optional(),
  kill_timeout: duration.optional(),
  kill_signal: signal.optional(),
  shutdown_with_message: bool.optional(),
  treekill: bool.optional(),
  wait_ready: bool.optional(),
  listen_timeout: duration.optional(),
  hang_timeout: z
    .union([z.literal(false), duration])
    .transform((v) => (v === false ? 0 : v))
    .optional(),
  health_check: z
    .object({
      path: z.string().regex(/^\/[^\s]*$/),
      port: z.number().int().min(1).max(65_535).optional(),
      interval: duration.optional(),
      timeout: duration.optional(),
      failures: z.number().int().min(1).max(100).optional(),
    })
    .strict()
    .optional(),
  balancer: z.enum(['round-robin', 'ip-hash', 'least-connections', 'kernel']).optional(),
  sticky: bool.optional(),

  out_file: text.optional(),
  error_file: text.optional(),
  log_date_format: text.optional(),
  merge_logs: bool.optional(),
  time: bool.optional(),
  disable_logs: bool.optional(),
  log_type: z.enum(['raw', 'json']).optional(),
  log_max_size: z
    .union([z.literal(false), z.number(), z.string()])
    .transform(convert(SIZE, (v: number | string | false) => (v === false ? 0 : parseBytes(v))))
    .optional(),
  log_retain: z
    .union([count, z.literal('all')])
    .transform((v) => (v === 'all' ? 0 : v))
    .optional(),
  log_compress: bool.optional(),
  log_rotate_interval: rotateInterval.optional(),

  max_memory_restart: bytes.optional(),
  watch: z
    .union([bool, text, z.array(text)])
    .transform((v) => (typeof v === 'string' ? [v] : v))
    .optional(),
  ignore_watch: stringList.optional(),
  watch_delay: duration.optional(),
  cron_restart: cronPattern.optional(),
  autostart: bool.optional(),
});

export type RawApp = z.output<typeof rawAppSchema>;

export const RAW_APP_KEYS: ReadonlySet<string> = new Set(Object.keys(rawAppSchema.shape));

const BOOLEAN = 'true or false';
const DURATION = 'a duration such as 500, "500ms", "10s", "1m" or "1h"';

/** What each key accepts, for messages where zod's own wording would not help the user. */
export const EXPECTED: Readonly<Record<string, string>> = {
  name: 'a non-empty string',
  namespace: 'a non-empty string',
  script: 'a path or a command (a non-empty string)',
  cwd: 'a directory path (a non-empty string)',
  args: 'a string or an array of strings',
  interpreter: 'an interpreter name or path (a non-empty string)',
  interpreter_args: 'a string or an array of strings',
  exec_mode: '"fork" or "cluster" (or PM2\'s "fork_mode", "cluster_mode")',
  instances: 'a number, "max" or a negative number',
  env: 'an object of environment variables',
  filter_env: BOOLEAN,
  instance_var: 'an environment variable name',
  autorestart: BOOLEAN,
  max_restarts: 'a whole number >= 0',
  min_uptime: DURATION,
  restart_delay: DURATION,
  exp_backoff_restart_delay: DURATION,
  exp_backoff_max_delay: DURATION,
  stop_exit_codes: 'an exit code or an array of exit codes',
  kill_timeout: DURATION,
  kill_signal: 'a signal name such as SIGINT or SIGTERM',
  shutdown_with_message: BOOLEAN,
  treekill: BOOLEAN,
  wait_ready: BOOLEAN,
  listen_timeout: DURATION,
  hang_timeout: `${DURATION}, or false to turn hang detection off`,
  balancer: '"round-robin", "ip-hash", "least-connections" or "kernel"',
  sticky: `${BOOLEAN} (true is balancer "ip-hash")`,
  health_check:
    '{ path: "/healthz", port?: 1-65535, interval?: duration, timeout?: duration, failures?: 1-100 }',
  out_file: 'a file path',
  error_file: 'a file path',
  log_date_format: 'a dayjs format string',
  merge_logs: BOOLEAN,
  time: BOOLEAN,
  disable_logs: BOOLEAN,
  log_type: '"raw" or "json"',
  log_max_size: `${SIZE}, or false for no size limit`,
  log_retain: 'a whole number of files >= 0, or "all"',
  log_compress: BOOLEAN,
  log_rotate_interval: ROTATE_INTERVAL,
  max_memory_restart: 'a size such as 524288000, "512K", "300M" or "1G"',
  watch: 'true, false, a path or an array of paths',
  ignore_watch: 'a path or an array of paths',
  watch_delay: DURATION,
  cron_restart: 'a cron pattern (a string)',
  autostart: BOOLEAN,
};
