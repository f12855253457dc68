// The daemon <-> cluster primary protocol. Each cluster app has its own primary process listening on a
// Unix socket in SHOAL_HOME/run; the daemon connects to it as a client. Requests and answers use the same
// envelope as the control socket; the primary also pushes snapshots of its workers unasked.
import * as z from './zod-mini.js';
import { AppConfigSchema } from './app-config.js';
import { defineChannel } from './channel.js';
import { ProcessStateSchema } from './process-info.js';

export const PRIMARY_PROTOCOL_VERSION = 1;

/** A worker's place in its app: a stable process id and instance number, kept across replacements. */
export const SlotSchema = z.object({ id: z.int(), instance: z.int() });
export type Slot = z.infer<typeof SlotSchema>;

/** What a primary reports about one worker. */
export const WorkerSnapshotSchema = ProcessStateSchema;
export type WorkerSnapshot = z.infer<typeof WorkerSnapshotSchema>;

const Workers = z.object({ workers: z.array(WorkerSnapshotSchema) });
const Ids = z.optional(z.array(z.int()));

/** Pushed unasked whenever a worker changes, and every few seconds with fresh runtime figures. */
export const SnapshotEventSchema = z.object({
  v: z.int(),
  event: z.literal('snapshot'),
  primary_pid: z.int(),
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
        app: z.optional(AppConfigSchema),
        cli_env: z.optional(z.record(z.string(), z.string())),
      }),
      result: Workers,
    },
    reload: {
      request: z.object({
        app: z.optional(AppConfigSchema),
        cli_env: z.optional(z.record(z.string(), z.string())),
      }),
      result: z.extend(Workers, { messages: z.array(z.string()) }),
    },
    replace: { request: z.object({ process_id: z.int(), reason: z.string() }), result: Workers },
    scale: { request: z.object({ slots: z.array(SlotSchema) }), result: Workers },
    signal: { request: z.object({ signal: z.string(), ids: Ids }), result: Workers },
    /** Reopen (after an outside rotation) or empty (flush) the log files the workers write. */
    logs: {
      request: z.object({ action: z.enum(['reopen', 'flush']) }),
      result: z.object({ files: z.array(z.string()) }),
    },
    /** Stop every worker, then the primary exits. */
    shutdown: { request: z.object({}), result: z.object({ stopped: z.int() }) },
  },
});
export type PrimaryChannel = typeof PrimaryChannel;
