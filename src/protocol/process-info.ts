// How the daemon describes a process to its clients (ls, describe, dashboard, metrics). One schema holds
// every field; the list view, and what a cluster primary reports about a worker, are cut from it.
import * as z from './zod-mini.js';
import { AppConfigSchema, ExecModeSchema } from './app-config.js';
import { AppMetricSchema } from './app-metrics.js';

/** PM2's status names. The legal transitions live in supervision/process-state.ts. */
export const ProcessStatusSchema = z.enum(['launching', 'online', 'stopping', 'stopped', 'errored']);
export type ProcessStatus = z.infer<typeof ProcessStatusSchema>;

export const ExitInfoSchema = z.object({
  code: z.nullable(z.int()),
  signal: z.nullable(z.string()),
  /** Human reason: "exited with code 2", "killed by SIGKILL", "crash loop: ...", "memory limit". */
  reason: z.string(),
  at: z.number(),
  uptime: z.number(),
  /** True when the exit followed a stop the daemon asked for (stop, restart, reload, watch, cron). */
  requested: z._default(z.boolean(), false),
});
export type ExitInfo = z.infer<typeof ExitInfoSchema>;

/** The cluster primary of an app, as `describe` shows it; null in fork mode. */
export const PrimaryInfoSchema = z.object({
  pid: z.nullable(z.int()),
  /** Times the daemon started the primary again after it died. */
  restarts: z.int(),
  /** Why it was last started again ("cluster primary killed by SIGKILL"), or null. */
  last_restart_reason: z.nullable(z.string()),
  /** Set when the daemon cannot manage the primary (it refused adoption): what happened and what to do. */
  problem: z.nullable(z.string()),
});
export type PrimaryInfo = z.infer<typeof PrimaryInfoSchema>;

export const ProcessDetailSchema = z.object({
  id: z.int(),
  name: z.string(),
  namespace: z.string(),
  mode: ExecModeSchema,
  instance: z.int(),
  pid: z.nullable(z.int()),
  status: ProcessStatusSchema,
  restarts: z.int(),
  /** Milliseconds since the current run started; 0 when not running. */
  uptime: z.number(),
  /** CPU percent of one core, averaged since the previous sample. */
  cpu: z.number(),
  /** Resident memory in bytes. */
  memory: z.number(),
  unstable_restarts: z.int(),
  last_exit: z.nullable(ExitInfoSchema),
  /** Why the process is in its status (the reason of its last transition). */
  status_reason: z.string(),
  started_at: z.nullable(z.number()),
  created_at: z.number(),
  /** Why the process was last restarted (crash, memory limit, watch, cron, user), or null. */
  last_restart_reason: z.nullable(z.string()),
  /** V8 heap figures and event-loop delay (seconds) reported by Node apps; null when not known. */
  heap_used: z.nullable(z.number()),
  heap_total: z.nullable(z.number()),
  loop_delay: z.nullable(z.number()),
  /** Addresses the current run listens on: "*:3000" (every interface), "127.0.0.1:8080", a pipe path. */
  listening: z._default(z.array(z.string()), []),
  /** The diagnostic report (JavaScript stack included) written when the process last hung, or null. */
  hang_report: z._default(z.nullable(z.string()), null),
  /** Something about this process the user should know (it listens elsewhere than its siblings), or null. */
  notice: z._default(z.nullable(z.string()), null),
  /** What proved the current run ready: a listening socket or the app's ready signal; null if nothing yet. */
  ready_by: z._default(z.nullable(z.enum(['listening', 'signal'])), null),
  config: AppConfigSchema,
  out_log: z.nullable(z.string()),
  err_log: z.nullable(z.string()),
  /** Last lines the process wrote to stderr, newest last. */
  recent_stderr: z.array(z.string()),
  /** Recent exits, newest last. */
  exits: z.array(ExitInfoSchema),
  next_restart_at: z.nullable(z.number()),
  /** Metrics the app declared with the runtime library, as last reported by this process. */
  app_metrics: z.array(AppMetricSchema),
  /** Lines its log files could not take (a full disk): how many, since when, the last reason; null if none. */
  log_dropped: z._default(
    z.nullable(z.object({ lines: z.int(), since: z.number(), reason: z.string() })),
    null,
  ),
  /** Pid of the app's cluster primary (cluster mode), or null. */
  primary_pid: z.nullable(z.int()),
  primary: z.nullable(PrimaryInfoSchema),
});
export type ProcessDetail = z.infer<typeof ProcessDetailSchema>;

/** What `shoal ls` shows of a process: the detail without the config, logs and histories. */
export const ProcessInfoSchema = z.omit(ProcessDetailSchema, {
  ready_by: true,
  config: true,
  out_log: true,
  err_log: true,
  recent_stderr: true,
  exits: true,
  next_restart_at: true,
  app_metrics: true,
  primary_pid: true,
  primary: true,
});
export type ProcessInfo = z.infer<typeof ProcessInfoSchema>;

/**
 * What a supervisor knows of one process by itself (the daemon for fork apps, a primary for its workers):
 * the detail without what the daemon adds (app identity and config, samples from the OS, log paths).
 */
export const ProcessStateSchema = z.omit(ProcessDetailSchema, {
  notice: true,
  name: true,
  namespace: true,
  mode: true,
  uptime: true,
  cpu: true,
  memory: true,
  config: true,
  out_log: true,
  err_log: true,
  primary_pid: true,
  primary: true,
});
export type ProcessState = z.infer<typeof ProcessStateSchema>;

const INFO_KEYS = Object.keys(ProcessInfoSchema.shape) as (keyof ProcessInfo)[];

/** The list view of a detail (only the list's fields, so `ls` answers stay small). */
export function infoOf(detail: ProcessDetail): ProcessInfo {
  const info: Record<string, unknown> = {};
  for (const key of INFO_KEYS) info[key] = detail[key];
  return info as ProcessInfo;
}
