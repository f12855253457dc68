// The control socket's protocol: every request a client (the CLI, above all) may send the daemon, and
// the result of each. A request is { v, id, type, ...payload }; an answer is { v, id, ok: true, result }
// or { v, id, ok: false, error: { code, message, details } } (see rpc-server.ts and envelope.ts).
import { z } from 'zod';
import { AppConfigSchema } from './app-config.js';
import { defineChannel } from './channel.js';
import { ProcessDetailSchema, ProcessInfoSchema } from './process-info.js';

/** The control protocol's version; the envelope itself never changes (see version.ts). */
export const CONTROL_PROTOCOL_VERSION = 1;

const Env = z.record(z.string(), z.string());
const Target = z.string().min(1);
const Processes = z.array(ProcessInfoSchema);
const Messages = z.array(z.string());
/** Whether to wait until what was started is online or has failed (`--no-wait` says no). */
const Wait = z.boolean().default(true);

/** A process that was started and failed instead of coming online (start, restart, reload, scale). */
export const StartFailureSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  instance: z.number().int(),
  reason: z.string(),
  stderr: z.array(z.string()),
});

/** What an operation that starts processes answers: the processes, notes, warnings and failures. */
const Started = z.object({
  processes: Processes,
  messages: Messages,
  /** Things to fix that did not stop the operation (a worker listening elsewhere, a known cause of a failure). */
  warnings: z.array(z.string()).default([]),
  failures: z.array(StartFailureSchema).default([]),
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
  error: z.object({ code: z.string(), message: z.string() }).nullable().default(null),
});
export type AppOutcome = z.infer<typeof AppOutcomeSchema>;

export const LogFileSchema = z.object({
  app: z.string(),
  id: z.number().int().nullable(),
  stream: z.enum(['out', 'err']),
  path: z.string(),
});
export type LogFile = z.infer<typeof LogFileSchema>;

export const ControlChannel = defineChannel({
  version: CONTROL_PROTOCOL_VERSION,
  unreachable: 'SHOAL_ERR_DAEMON_UNREACHABLE',
  requests: {
    hello: {
      request: z.object({ client_version: z.string(), client_protocol: z.number().int() }),
      result: z.object({
        protocol: z.number().int(),
        version: z.string(),
        pid: z.number().int(),
        home: z.string(),
      }),
    },
    ping: {
      request: z.object({}),
      result: z.object({ pong: z.literal(true), pid: z.number().int(), uptime: z.number() }),
    },
    start: {
      request: z.object({
        apps: z.array(AppConfigSchema).min(1),
        cli_env: Env,
        wait: Wait,
        /** One-line hints for first-time situations (an app's first start in cluster mode). */
        hints: z.boolean().default(true),
      }),
      result: Started,
    },
    stop: { request: z.object({ target: Target }), result: z.object({ processes: Processes }) },
    restart: {
      request: z.object({
        target: Target,
        update_env: z.boolean().default(false),
        cli_env: Env.optional(),
        wait: Wait,
      }),
      result: Started,
    },
    reload: { request: z.object({ target: Target, wait: Wait }), result: Started },
    /** Applies a process file to the daemon's apps: reload|restart|stop|delete <file>, startOrReload, ... */
    apply: {
      request: z.object({
        /** The process file's absolute path: apps started from it carry it as source_file. */
        file: z.string().min(1),
        /** Every app the file defines (before --only), to tell apps gone from the file from those left out. */
        file_apps: z.array(z.string()),
        apps: z.array(AppConfigSchema).min(1),
        action: z.enum(['reload', 'restart', 'stop', 'delete']),
        /** Replace the base environment of known apps with cli_env (new apps always start with it). */
        update_env: z.boolean().default(false),
        cli_env: Env,
        /** Delete the apps started from this file that it no longer defines. */
        prune: z.boolean().default(false),
        wait: Wait,
      }),
      result: Started.extend({
        apps: z.array(AppOutcomeSchema),
        /** Apps started from this file that it no longer defines, left running (without --prune). */
        left_alone: z.array(z.string()),
        pruned: z.array(z.string()),
      }),
    },
    delete: { request: z.object({ target: Target }), result: z.object({ processes: Processes }) },
    scale: {
      request: z.object({
        name: z.string().min(1),
        instances: z.union([z.number().int().min(0), z.string()]),
        wait: Wait,
      }),
      result: Started,
    },
    list: { request: z.object({}), result: z.object({ processes: Processes }) },
    describe: {
      request: z.object({ target: Target }),
      result: z.object({ processes: z.array(ProcessDetailSchema) }),
    },
    logs: {
      request: z.object({ target: z.string().nullable() }),
      result: z.object({ files: z.array(LogFileSchema) }),
    },
    flush: {
      request: z.object({ target: z.string().nullable() }),
      result: z.object({ files: z.array(z.string()) }),
    },
    kill: { request: z.object({}), result: z.object({ stopped: z.number().int() }) },
    signal: {
      request: z.object({ target: Target, signal: z.string().regex(/^SIG[A-Z0-9]+$/) }),
      result: z.object({ processes: Processes }),
    },
    env: {
      request: z.object({ target: Target }),
      result: z.object({
        processes: z.array(
          z.object({
            id: z.number().int(),
            name: z.string(),
            env: Env,
            /** "process": read from the running process itself; "config": what it starts with (not running). */
            source: z.enum(['process', 'config']).default('config'),
          }),
        ),
      }),
    },
    save: {
      request: z.object({ force: z.boolean().default(false) }),
      result: z.object({ file: z.string(), apps: z.number().int() }),
    },
    resurrect: { request: z.object({}), result: z.object({ processes: Processes, messages: Messages }) },
    web: {
      request: z.object({}),
      result: z.object({ url: z.string().nullable(), token_file: z.string().nullable() }),
    },
    /** Daemon upgrade: leave cluster apps running, stop fork apps for the next daemon, and exit. */
    handover: {
      request: z.object({}),
      result: z.object({
        kept: z.array(z.string()),
        stopped: z.array(z.string()),
        /** True when an init system (systemd) restarts the daemon: the client then waits for that one. */
        supervised: z.boolean(),
      }),
    },
  },
});
export type ControlChannel = typeof ControlChannel;
