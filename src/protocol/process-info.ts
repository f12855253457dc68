// How the daemon describes a process to its clients (ls, describe, dashboard, metrics).
import { z } from 'zod';
import { AppConfigSchema, ExecModeSchema } from './app-config.js';
import { AppMetricSchema } from './app-metrics.js';

/** PM2's status names. The legal transitions live in supervision/process-state.ts. */
export const ProcessStatusSchema = z.enum(['launching', 'online', 'stopping', 'stopped', 'errored']);
export type ProcessStatus = z.infer<typeof ProcessStatusSchema>;

export const ExitInfoSchema = z.object({
  code: z.number().int().nullable(),
  signal: z.string().nullable(),
  /** Human reason: "exited with code 2", "killed by SIGKILL", "crash loop: ...", "memory limit". */
  reason: z.string(),
  at: z.number(),
  uptime: z.number(),
});
export type ExitInfo = z.infer<typeof ExitInfoSchema>;

export const ProcessInfoSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  namespace: z.string(),
  mode: ExecModeSchema,
  instance: z.number().int(),
  pid: z.number().int().nullable(),
  status: ProcessStatusSchema,
  restarts: z.number().int(),
  /** Milliseconds since the current run started; 0 when not running. */
  uptime: z.number(),
  /** CPU percent of one core, averaged since the previous sample. */
  cpu: z.number(),
  /** Resident memory in bytes. */
  memory: z.number(),
  unstable_restarts: z.number().int(),
  last_exit: ExitInfoSchema.nullable(),
  /** Why the process is in its status (the reason of its last transition). */
  status_reason: z.string(),
  started_at: z.number().nullable(),
  created_at: z.number(),
  /** Why the process was last restarted (crash, memory limit, watch, cron, user), or null. */
  last_restart_reason: z.string().nullable(),
  /** V8 heap figures and event-loop delay (seconds) reported by Node apps; null when not known. */
  heap_used: z.number().nullable(),
  heap_total: z.number().nullable(),
  loop_delay: z.number().nullable(),
});
export type ProcessInfo = z.infer<typeof ProcessInfoSchema>;

export const ProcessDetailSchema = ProcessInfoSchema.extend({
  config: AppConfigSchema,
  out_log: z.string().nullable(),
  err_log: z.string().nullable(),
  /** Last lines the process wrote to stderr, newest last. */
  recent_stderr: z.array(z.string()),
  /** Recent exits, newest last. */
  exits: z.array(ExitInfoSchema),
  next_restart_at: z.number().nullable(),
  /** Metrics the app declared with the runtime library, as last reported by this process. */
  app_metrics: z.array(AppMetricSchema),
  /** Pid of the app's cluster primary (cluster mode), or null. */
  primary_pid: z.number().int().nullable(),
});
export type ProcessDetail = z.infer<typeof ProcessDetailSchema>;
