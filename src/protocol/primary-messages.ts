// The daemon <-> cluster primary protocol. Each cluster app has its own primary process that listens on
// a Unix socket in SHOAL_HOME/run; the daemon connects to it as a client. Requests and responses use the
// same envelope as the control socket; the primary also pushes snapshots of its workers unasked.
import { z } from 'zod';
import { AppConfigSchema } from './app-config.js';
import { AppMetricSchema } from './app-metrics.js';
import { ExitInfoSchema, ProcessStatusSchema } from './process-info.js';

export const PRIMARY_PROTOCOL_VERSION = 1;

export const SlotSchema = z.object({ id: z.number().int(), instance: z.number().int() });
export type Slot = z.infer<typeof SlotSchema>;

/** What the daemon gives a new primary (a 0600 file named by SHOAL_PRIMARY_SPEC). */
export const PrimarySpecSchema = z.object({
  version: z.literal(1),
  app: AppConfigSchema,
  cli_env: z.record(z.string(), z.string()),
  home: z.string(),
  socket: z.string(),
  slots: z.array(SlotSchema),
  /** Restart counts to carry over (a primary started again after its predecessor died). */
  restarts: z.record(z.string(), z.number().int()).default({}),
});
export type PrimarySpec = z.infer<typeof PrimarySpecSchema>;

export const WorkerSnapshotSchema = z.object({
  id: z.number().int(),
  instance: z.number().int(),
  pid: z.number().int().nullable(),
  status: ProcessStatusSchema,
  status_reason: z.string(),
  restarts: z.number().int(),
  unstable_restarts: z.number().int(),
  started_at: z.number().nullable(),
  created_at: z.number(),
  last_exit: ExitInfoSchema.nullable(),
  last_restart_reason: z.string().nullable(),
  exits: z.array(ExitInfoSchema),
  recent_stderr: z.array(z.string()),
  next_restart_at: z.number().nullable(),
  heap_used: z.number().nullable(),
  heap_total: z.number().nullable(),
  loop_delay: z.number().nullable(),
  app_metrics: z.array(AppMetricSchema),
});
export type WorkerSnapshot = z.infer<typeof WorkerSnapshotSchema>;

export const SnapshotEventSchema = z.object({
  v: z.number().int(),
  event: z.literal('snapshot'),
  primary_pid: z.number().int(),
  app: AppConfigSchema,
  workers: z.array(WorkerSnapshotSchema),
});
export type SnapshotEvent = z.infer<typeof SnapshotEventSchema>;

export const PrimaryRequestSchemas = {
  status: z.object({}),
  /** Start every slot that is not running; answers once each is ready or has failed. */
  start: z.object({ ids: z.array(z.number().int()).optional() }),
  stop: z.object({ ids: z.array(z.number().int()).optional() }),
  restart: z.object({
    ids: z.array(z.number().int()).optional(),
    app: AppConfigSchema.optional(),
    cli_env: z.record(z.string(), z.string()).optional(),
  }),
  reload: z.object({ app: AppConfigSchema.optional() }),
  // Never name a payload field v, id or type: those belong to the envelope.
  replace: z.object({ process_id: z.number().int(), reason: z.string() }),
  scale: z.object({ slots: z.array(SlotSchema) }),
  signal: z.object({ signal: z.string(), ids: z.array(z.number().int()).optional() }),
  /** Stop every worker, then the primary exits. */
  shutdown: z.object({}),
} as const;
export type PrimaryRequestType = keyof typeof PrimaryRequestSchemas;
export type PrimaryRequest<T extends PrimaryRequestType> = z.input<(typeof PrimaryRequestSchemas)[T]>;

export interface PrimaryResults {
  status: { workers: WorkerSnapshot[] };
  start: { workers: WorkerSnapshot[] };
  stop: { workers: WorkerSnapshot[] };
  restart: { workers: WorkerSnapshot[] };
  reload: { workers: WorkerSnapshot[]; messages: string[] };
  replace: { workers: WorkerSnapshot[] };
  scale: { workers: WorkerSnapshot[] };
  signal: { workers: WorkerSnapshot[] };
  shutdown: { stopped: number };
}
