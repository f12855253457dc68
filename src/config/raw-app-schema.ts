// The zod schema of one app as written in a process file, after PM2 aliases are renamed (compat/aliases.ts).
// It checks each key's type and turns PM2's value forms into one form ("10s" -> 10000, "a b" -> ["a","b"]);
// paths, the script, the interpreter and the instance count are resolved later (resolve/).
import { constants } from 'node:os';
import { Cron } from 'croner';
import { durationLimitText, MAX_COUNT, MAX_DURATION_MS, MAX_INSTANCES } from '../protocol/limits.js';
import * as z from '../protocol/zod-mini.js';
import { nameProblem } from './names.js';
import { splitCommandLine } from './resolve/command-line.js';
import { parseBytes, parseDuration } from './units.js';

// Both helpers keep the schema's input type (a ZodMiniType<I> alone would widen it to unknown), since
// AppEntry, the type users write process files against, is the schema's input.

/** Turns `schema`'s value into another with a converter that throws on bad input; `expected` is the message. */
function convert<S extends z.ZodMiniType, O>(schema: S, expected: string, fn: (v: z.output<S>) => O) {
  return z.pipe(
    schema,
    z.transform((v: z.output<S>, ctx): O => {
      try {
        return fn(v);
      } catch {
        ctx.issues.push({ code: 'custom', message: expected, input: v });
        return z.NEVER;
      }
    }),
  );
}

/** `schema`'s value passed through `fn`, which cannot fail. */
function map<S extends z.ZodMiniType, O>(schema: S, fn: (v: z.output<S>) => O) {
  return z.pipe(schema, z.transform(fn));
}

const bool = z.boolean();
const text = z.string().check(z.minLength(1));
const digits = (re: RegExp) => map(z.string().check(z.regex(re)), Number);
const count = z
  .union([z.int().check(z.minimum(0)), digits(/^\d+$/)])
  .check(z.refine((n) => n <= MAX_COUNT, { message: `a whole number from 0 to ${MAX_COUNT}` }));
const exitCode = z.union([z.int(), digits(/^-?\d+$/)]);
const stringList = map(z.union([text, z.array(z.string())]), (v) => (typeof v === 'string' ? [v] : v));

const duration = convert(
  z.union([z.number(), z.string()]),
  'a duration such as 500, "500ms", "10s", "1m" or "1h"',
  parseDuration,
).check(z.refine((ms) => ms <= MAX_DURATION_MS, { message: `a duration of ${durationLimitText}` }));

/**
 * Checked with croner, the library the daemon schedules with, so a pattern accepted here is one the
 * daemon can run. Without a callback croner only parses: no timer is created.
 */
const cronPattern = z.string().check(
  z.minLength(1),
  z.superRefine((v, ctx) => {
    try {
      new Cron(v);
    } catch (err) {
      ctx.addIssue({
        code: 'custom',
        message: `a cron pattern with 5 fields (6 with seconds first) such as "0 3 * * *" (${(err as Error).message})`,
      });
    }
  }),
);

const SIZE = 'a size such as 524288000, "512K", "300M" or "1G"';
const bytes = convert(z.union([z.number(), z.string()]), SIZE, parseBytes).check(
  z.refine((n) => n <= Number.MAX_SAFE_INTEGER, { message: 'a size of at most 8 PiB' }),
);

const identifier = z.string().check(
  z.superRefine((v, ctx) => {
    const problem = nameProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
);

/** Env values as PM2 flattens them: scalars stringified, objects as JSON, undefined left out (as Node does). */
export const envSchema = map(z.record(z.string(), z.unknown()), (env) => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) continue;
    out[k] = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  return out;
});

const signal = convert(z.string(), 'a signal name such as SIGINT or SIGTERM', (v: string) => {
  const name = v.toUpperCase().startsWith('SIG') ? v.toUpperCase() : `SIG${v.toUpperCase()}`;
  if (!Object.hasOwn(constants.signals, name)) throw new Error(name);
  return name;
});

const ROTATE_INTERVAL = '"daily", "hourly", "none" or a cron pattern such as "0 */6 * * *"';
const rotateInterval = convert(z.union([z.literal(false), z.string()]), ROTATE_INTERVAL, (v) => {
  if (v === false || v === 'none') return 'none';
  if (v === 'daily' || v === 'hourly') return v;
  new Cron(v, { paused: true }).stop();
  return v;
});

const o = z.optional;

export const rawAppSchema = z.object({
  name: o(identifier),
  namespace: o(identifier),
  script: o(text),
  cwd: o(text),
  args: o(
    convert(
      z.union([z.string(), z.array(z.union([z.string(), z.number()]))]),
      'a command line with balanced quotes',
      (v) => (typeof v === 'string' ? splitCommandLine(v) : v.map(String)),
    ),
  ),
  interpreter: o(text),
  interpreter_args: o(
    map(z.union([z.string(), z.array(z.string())]), (v) =>
      typeof v === 'string' ? v.split(/\s+/).filter(Boolean) : v,
    ),
  ),
  exec_mode: o(
    map(z.enum(['fork', 'fork_mode', 'cluster', 'cluster_mode']), (v) =>
      v.startsWith('fork') ? ('fork' as const) : ('cluster' as const),
    ),
  ),
  instances: o(
    z
      .union([
        z.int(),
        digits(/^\s*-?\d+\s*$/),
        map(z.string().check(z.regex(/^max$/i)), () => 'max' as const),
      ])
      .check(
        z.refine((n) => n === 'max' || n <= MAX_INSTANCES, {
          message: `at most ${MAX_INSTANCES} instances (a number, "max" or a negative number)`,
        }),
      ),
  ),
  env: o(envSchema),
  filter_env: o(bool),
  instance_var: o(text),

  autorestart: o(bool),
  max_restarts: o(count),
  min_uptime: o(duration),
  restart_delay: o(duration),
  exp_backoff_restart_delay: o(duration),
  exp_backoff_max_delay: o(duration),
  stop_exit_codes: o(map(z.union([exitCode, z.array(exitCode)]), (v) => (Array.isArray(v) ? v : [v]))),
  kill_timeout: o(duration),
  kill_signal: o(signal),
  shutdown_with_message: o(bool),
  treekill: o(bool),
  wait_ready: o(bool),
  listen_timeout: o(duration),
  hang_timeout: o(map(z.union([z.literal(false), duration]), (v) => (v === false ? 0 : v))),
  health_check: o(
    z.strictObject({
      path: z.string().check(z.regex(/^\/[^\s]*$/)),
      port: o(z.int().check(z.minimum(1), z.maximum(65_535))),
      interval: o(duration),
      timeout: o(duration),
      failures: o(z.int().check(z.minimum(1), z.maximum(100))),
    }),
  ),
  balancer: o(z.enum(['round-robin', 'ip-hash', 'least-connections', 'kernel'])),
  sticky: o(bool),

  out_file: o(text),
  error_file: o(text),
  log_date_format: o(text),
  merge_logs: o(bool),
  time: o(bool),
  disable_logs: o(bool),
  log_type: o(z.enum(['raw', 'json'])),
  log_max_size: o(
    convert(z.union([z.literal(false), z.number(), z.string()]), SIZE, (v) =>
      v === false ? 0 : parseBytes(v),
    ),
  ),
  log_retain: o(map(z.union([count, z.literal('all')]), (v) => (v === 'all' ? 0 : v))),
  log_compress: o(bool),
  log_rotate_interval: o(rotateInterval),

  max_memory_restart: o(bytes),
  watch: o(map(z.union([bool, text, z.array(text)]), (v) => (typeof v === 'string' ? [v] : v))),
  ignore_watch: o(stringList),
  watch_delay: o(duration),
  cron_restart: o(cronPattern),
  autostart: o(bool),
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
