// Every few seconds, tells the supervisor what only the process itself can see: V8 heap, event-loop
// delay, and the app's own metrics. Unref'd timer, skipped when there is no IPC channel.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { StatsMessage } from '../protocol/worker-messages.js';
import type { Glue } from './glue.js';

export function startStatsReporter(glue: Glue, intervalMs: number): void {
  if (typeof process.send !== 'function' || intervalMs <= 0) return;
  const delay = monitorEventLoopDelay({ resolution: 20 });
  delay.enable();
  const timer = setInterval(() => {
    if (!process.connected) return;
    const heap = process.memoryUsage();
    let appMetrics: unknown[] = [];
    try {
      appMetrics = glue.metricsProvider?.() ?? [];
    } catch {
      appMetrics = [];
    }
    const message: StatsMessage = {
      type: 'shoal:stats',
      heap_used: heap.heapUsed,
      heap_total: heap.heapTotal,
      loop_delay: Number.isFinite(delay.mean) ? delay.mean / 1e9 : 0,
      loop_delay_max: delay.max / 1e9,
      app_metrics: appMetrics as StatsMessage['app_metrics'],
    };
    delay.reset();
    process.send?.(message, undefined, {}, () => {});
  }, intervalMs);
  timer.unref();
}
