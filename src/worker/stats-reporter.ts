// Every few seconds, tells the supervisor what only the process itself can see: V8 heap, event-loop
// delay, and the app's own metrics. Unref'd timer, skipped when there is no IPC channel.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fromApp, type StatsMessage } from '../protocol/app-messages.js';
import type { InstalledHook } from './hook-install.js';

export function startStatsReporter(hook: InstalledHook, intervalMs: number): void {
  if (typeof process.send !== 'function' || intervalMs <= 0) return;
  const delay = monitorEventLoopDelay({ resolution: 20 });
  delay.enable();
  const timer = setInterval(() => {
    if (!process.connected) return;
    const heap = process.memoryUsage();
    let appMetrics: unknown[] = [];
    try {
      appMetrics = hook.metricsProvider?.() ?? [];
    } catch {
      appMetrics = [];
    }
    // The app's metrics are checked by the supervisor (StatsMessageSchema), not here: no schema library in apps.
    const message = fromApp.stats({
      heap_used: heap.heapUsed,
      heap_total: heap.heapTotal,
      loop_delay: Number.isFinite(delay.mean) ? delay.mean / 1e9 : 0,
      loop_delay_max: delay.max / 1e9,
      app_metrics: appMetrics as StatsMessage['app_metrics'],
    });
    delay.reset();
    process.send?.(message, undefined, {}, () => {});
  }, intervalMs);
  timer.unref();
}
