// The daemon <-> cluster primary protocol. Each cluster app has its own primary process listening on a
// Unix socket in SHOAL_HOME/run; the daemon connects to it as a client. Requests and answers use the same
// envelope as the control socket; the primary also pushes snapshots of its workers unasked.
import { z } from 'zod';
import { AppConfigSchema } from './app-config.js';
import { defineChannel } from './channel.js';
import { ProcessStateSchema } from './process-info.js';

export const PRIMARY_PROTOCOL_VERSION = 1;

/** A worker's place in its app: a stable process id and instance number, kept across replacements. */
export const SlotSchema = z.object({ id: z.number().int(), instance: z.number().int() });
export type Slot = z.infer<typeof SlotSchema>;

/** What a primary reports about one worker. */
export const WorkerSnapshotSchema = ProcessStateSchema;
export type WorkerSnapshot = z.infer<typeof WorkerSnapshotSchema>;

const Workers = z.object({ workers: z.array(WorkerSnapshotSchema) });
const Ids = z.array(z.number().int()).optional();

/** Pushed unasked whenever a worker changes, and every few seconds with fresh runtime figures. */
export const SnapshotEventSchema = z.object({
  v: z.number().int(),
  event: z.literal('snapshot'),
  primary_pid: z.number().int(),
  workers: z.array(WorkerSnapshotSchema),
});
export type SnapshotEvent = z.infer<typeof SnapshotEventSchema>;

export const PrimaryChannel = defineChannel({
  version: PRIMARY_PROTOCOL_VERSION,
  unreachable: 'SHOAL_ERR_PRIMARY_UNREACHABLE',
  // Never name a payload field v, id or type: those belong to the envelope.
  requests: {
    status: { request: z.object({}), result: Workers },
    /** Start the given slots (all by default) that are not running; answers once each is ready or failed. */
    start: { request: z.object({ ids: Ids }), result: Workers },
    stop: { request: z.object({ ids: Ids }), result: Workers },
    restart: {
      request: z.object({
        ids: Ids,
        app: AppConfigSchema.optional(),
        cli_env: z.record(z.string(), z.string()).optional(),
      }),
      result: Workers,
    },
    reload: {
      request: z.object({
        app: AppConfigSchema.optional(),
        cli_env: z.record(z.string(), z.string()).optional(),
      }),
      result: Workers.extend({ messages: z.array(z.string()) }),
    },
    replace: { request: z.object({ process_id: z.number().int(), reason: z.string() }), result: Workers },
    scale: { request: z.object({ slots: z.array(SlotSchema) }), result: Workers },
    signal: { request: z.object({ signal: z.string(), ids: Ids }), result: Workers },
    /** Stop every worker, then the primary exits. */
    shutdown: { request: z.object({}), result: z.object({ stopped: z.number().int() }) },
  },
});
export type PrimaryChannel = typeof PrimaryChannel;
