// Messages on the IPC channel between an app process and its supervisor (the primary in cluster mode,
// the daemon in fork mode), and the global hook the runtime library and the injected preload share.
import { z } from 'zod';
import { AppMetricSchema } from './app-metrics.js';

/** Supervisor -> app: stop taking new work, finish in-flight requests, run shutdown hooks, exit. */
export const DrainMessageSchema = z.object({
  type: z.literal('shoal:drain'),
  /** Time left before the supervisor force-kills the process. */
  timeout_ms: z.number().int(),
  /** The app's kill_signal: raised once draining is done if the app handles that signal itself. */
  signal: z.string().optional(),
});
export type DrainMessage = z.infer<typeof DrainMessageSchema>;

/** App -> supervisor: ready to serve (PM2's plain 'ready' string is accepted too). */
export const ReadyMessageSchema = z.object({ type: z.literal('shoal:ready') });

/** App -> supervisor, every few seconds: runtime figures only the process itself can see. */
export const StatsMessageSchema = z.object({
  type: z.literal('shoal:stats'),
  heap_used: z.number(),
  heap_total: z.number(),
  /** Event-loop delay over the last interval, seconds (mean and max). */
  loop_delay: z.number(),
  loop_delay_max: z.number(),
  app_metrics: z.array(AppMetricSchema).default([]),
});
export type StatsMessage = z.infer<typeof StatsMessageSchema>;

export { isDrainMessage, WORKER_GLUE, type WorkerGlue } from './worker-glue.js';
