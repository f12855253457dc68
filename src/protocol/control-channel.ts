// The control socket's protocol: every request a client (the CLI, above all) may send the daemon, and
// the result of each. A request is { v, id, type, ...payload }; an answer is { v, id, ok: true, result }
// or { v, id, ok: false, error: { code, message, details } } (see rpc-server.ts and envelope.ts).
// Each request's schemas are built the first time it is sent or served: a CLI command builds its own.
import * as z from './zod-mini.js';
import { AppConfigSchema } from './app-config.js';
import { defineChannel } from './channel.js';
import { ProcessDetailSchema, ProcessInfoSchema } from './process-info.js';

/** The control protocol's version; the envelope itself never changes (see version.ts). */
export const CONTROL_PROTOCOL_VERSION = 1;

const Env = z.record(z.string(), z.string());
const Target = z.string().check(z.minLength(1));
const Processes = z.array(ProcessInfoSchema);
const Messages = z.array(z.string());
/** Whether to wait until what was started is online or has failed (`--no-wait` says no). */
const Wait = z._default(z.boolean(), true);

/** A process that was started and failed instead of coming online (start, restart, reload, scale). */
export const StartFailureSchema = z.object({
  id: z.int(),
  name: z.string(),
  instance: z.int(),
  reason: z.string(),
  stderr: z.array(z.string()),
});

/** What an operation that starts processes answers: the processes, notes, warnings and failures. */
const Started = z.object({
  processes: Processes,
  messages: Messages,
  /** Things to fix that did not stop the operation (a worker listening elsewhere, a known cause of a failure). */
  warnings: z._default(z.array(z.string()), []),
  failures: z._default(z.array(StartFailureSchema), []),
});

/** Added, removed and changed settings of an app (key names only: env values may be secrets). */
export const ConfigChangesSchema = z.object({
  added: z.array(z.string()),
  removed: z.array(z.string()),
  changed: z.array(z.string()),
});

/** What `reload|restart|stop|delete <process file>` and startOr* did to one app of the file. */
export const AppOutcomeSchema = z.object({
  name: z.string(),
  action: z.enum([
    'started',
    'reloaded',
    'restarted',
    'recreated',
    'stopped',
    'deleted',
    'unknown',
    'failed',
  ]),
  changes: ConfigChangesSchema,
  /** One line for people: why this action, what it involved. */
  detail: z.string(),
  error: z._default(z.nullable(z.object({ code: z.string(), message: z.string() })), null),
});
export type AppOutcome = z.infer<typeof AppOutcomeSchema>;

export const LogFileSchema = z.object({
  app: z.string(),
  id: z.nullable(z.int()),
  /** The instance writing the file when only one does (per-instance files, or a single process). */
  instance: z._default(z.nullable(z.int()), null),
  stream: z.enum(['out', 'err']),
  path: z.string(),
  /** log_type of the app: 'json' files hold one object per line, with the writer of each. */
  log_type: z._default(z.enum(['raw', 'json']), 'raw'),
});
export type LogFile = z.infer<typeof LogFileSchema>;

export const ControlChannel = defineChannel({
  version: CONTROL_PROTOCOL_VERSION,
  unreachable: 'SHOAL_ERR_DAEMON_UNREACHABLE',
  requests: {
    hello: () => ({
      request: z.object({ client_version: z.string(), client_protocol: z.int() }),
      result: z.object({
        protocol: z.int(),
        version: z.string(),
        pid: z.int(),
        home: z.string(),
      }),
    }),
    ping: () => ({
      request: z.object({}),
      result: z.object({ pong: z.literal(true), pid: z.int(), uptime: z.number() }),
    }),
    start: () => ({
      request: z.object({
        apps: z.array(AppConfigSchema).check(z.minLength(1)),
        cli_env: Env,
        wait: Wait,
        /** One-line hints for first-time situations (an app's first start in cluster mode). */
        hints: z._default(z.boolean(), true),
      }),
      result: Started,
    }),
    stop: () => ({ request: z.object({ target: Target }), result: z.object({ processes: Processes }) }),
    restart: () => ({
      request: z.object({
        target: Target,
        update_env: z._default(z.boolean(), false),
        cli_env: z.optional(Env),
        wait: Wait,
      }),
      result: Started,
    }),
    reload: () => ({ request: z.object({ target: Target, wait: Wait }), result: Started }),
    /** Applies a process file to the daemon's apps: reload|restart|stop|delete <file>, startOrReload, ... */
    apply: () => ({
      request: z.object({
        /** The process file's absolute path: apps started from it carry it as source_file. */
        file: z.string().check(z.minLength(1)),
        /** Every app the file defines (before --only), to tell apps gone from the file from those left out. */
        file_apps: z.array(z.string()),
        apps: z.array(AppConfigSchema).check(z.minLength(1)),
        action: z.enum(['reload', 'restart', 'stop', 'delete']),
        /** Replace the base environment of known apps with cli_env (new apps always start with it). */
        update_env: z._default(z.boolean(), false),
        cli_env: Env,
        /** Delete the apps started from this file that it no longer defines. */
        prune: z._default(z.boolean(), false),
        wait: Wait,
      }),
      result: z.extend(Started, {
        apps: z.array(AppOutcomeSchema),
        /** Apps started from this file that it no longer defines, left running (without --prune). */
        left_alone: z.array(z.string()),
        pruned: z.array(z.string()),
      }),
    }),
    delete: () => ({ request: z.object({ target: Target }), result: z.object({ processes: Processes }) }),
    scale: () => ({
      request: z.object({
        name: z.string().check(z.minLength(1)),
        instances: z.union([z.int().check(z.gte(0)), z.string()]),
        wait: Wait,
      }),
      result: Started,
    }),
    list: () => ({ request: z.object({}), result: z.object({ processes: Processes }) }),
    /** PM2's reset: restart counts back to 0, nothing restarted. */
    reset: () => ({ request: z.object({ target: Target }), result: z.object({ processes: Processes }) }),
    describe: () => ({
      request: z.object({ target: Target }),
      result: z.object({ processes: z.array(ProcessDetailSchema) }),
    }),
    logs: () => ({
      request: z.object({ target: z.nullable(z.string()) }),
      result: z.object({ files: z.array(LogFileSchema) }),
    }),
    flush: () => ({
      request: z.object({ target: z.nullable(z.string()) }),
      result: z.object({ files: z.array(z.string()) }),
    }),
    /** Reopen every log file (after logrotate's "create" mode moved them away). */
    reloadLogs: () => ({
      request: z.object({}),
      result: z.object({ files: z.array(z.string()) }),
    }),
    kill: () => ({ request: z.object({}), result: z.object({ stopped: z.int() }) }),
    signal: () => ({
      request: z.object({ target: Target, signal: z.string().check(z.regex(/^SIG[A-Z0-9]+$/)) }),
      result: z.object({ processes: Processes }),
    }),
    env: () => ({
      request: z.object({ target: Target }),
      result: z.object({
        processes: z.array(
          z.object({
            id: z.int(),
            name: z.string(),
            env: Env,
            /** "process": read from the running process itself; "config": what it starts with (not running). */
            source: z._default(z.enum(['process', 'config']), 'config'),
          }),
        ),
      }),
    }),
    save: () => ({
      request: z.object({ force: z._default(z.boolean(), false) }),
      result: z.object({ file: z.string(), apps: z.int() }),
    }),
    /** PM2's cleardump: dump.json replaced by an empty list (the previous one kept as .bak). */
    cleardump: () => ({
      request: z.object({}),
      result: z.object({ file: z.string(), apps: z.int() }),
    }),
    resurrect: () => ({
      request: z.object({}),
      result: z.object({ processes: Processes, messages: Messages }),
    }),
    web: () => ({
      request: z.object({}),
      result: z.object({
        url: z.nullable(z.string()),
        token_file: z.nullable(z.string()),
        /** Why there is no dashboard, when url is null. */
        off_reason: z._default(z.nullable(z.string()), null),
      }),
    }),
    /** Daemon upgrade: leave cluster apps running, stop fork apps for the next daemon, and exit. */
    handover: () => ({
      request: z.object({}),
      result: z.object({
        kept: z.array(z.string()),
        stopped: z.array(z.string()),
        /** True when an init system (systemd) restarts the daemon: the client then waits for that one. */
        supervised: z.boolean(),
      }),
    }),
  },
});
export type ControlChannel = typeof ControlChannel;
