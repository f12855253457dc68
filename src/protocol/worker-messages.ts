// Messages on the IPC channel between an app process and its supervisor (the primary in cluster mode,
// the daemon in fork mode), and the global hook the runtime library and the injected preload share.
import { z } from 'zod';
import { AppMetricSchema } from './app-metrics.js';

/** Supervisor -> app: stop taking new work, finish in-flight requests, run shutdown hooks, exit. */
export const DrainMessageSchema = z.object({ type: z.literal('shoal:drain'), timeout_ms: z.number().int() });
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

/**
 * The object the preload installs at globalThis[WORKER_GLUE] inside app processes. The runtime library
 * finds it there (it never imports worker/ code), so both sides agree only on this shape.
 */
export const WORKER_GLUE = Symbol.for('shoal.worker.glue');

export interface WorkerGlue {
  /** Registers an async hook run on stop/reload before the process exits. */
  onShutdown(hook: () => unknown | Promise<unknown>): void;
  /** Supplies app metrics for the periodic stats message. */
  setMetricsProvider(provider: () => unknown[]): void;
  /** True while the process is draining (stop or reload in progress). */
  readonly draining: boolean;
}
