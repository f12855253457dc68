// GET /metrics: the process table and the apps' own metrics in Prometheus text format, computed at
// scrape time from what the daemon already holds (no timers, no history). Every scrape builds a fresh
// private prom-client Registry: app metric names come and go with the apps, and the global default
// registry is never touched (it would mix in whatever else loaded prom-client in this process).
import { Counter, Gauge, Registry } from 'prom-client';
import type { ProcessDetail, ProcessStatus } from '../protocol/process-info.js';
import { ProcessStatusSchema } from '../protocol/process-info.js';
import { aggregateAppMetrics, registerAppFamily } from './app-metric-families.js';
import { CounterContinuity, type MetricHolder } from './counter-continuity.js';
import { addDaemonMetrics } from './daemon-metrics.js';

export interface MetricsSource {
  /** Every process of every app, with the app metrics it last reported. */
  processes(): ProcessDetail[];
  /** Every app with the number of instances it is configured to run. */
  apps(): Array<{ name: string; desired: number }>;
  /** Total CPU time of the pid's current run, seconds, as last sampled; null when not sampled. */
  cpuSeconds(pid: number | null): number | null;
}

export const PROMETHEUS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

// Not "instance": Prometheus sets that label on every series to the scraped target, and a series' own
// "instance" would be renamed exported_instance (or override the target's with honor_labels).
const PROCESS_LABELS = ['app', 'app_instance', 'id'] as const;
type ProcessLabel = (typeof PROCESS_LABELS)[number];

/** The exposition text; `continuity` carries app counters over restarts, from one scrape to the next. */
export async function renderMetrics(
  source: MetricsSource,
  continuity: CounterContinuity = new CounterContinuity(),
): Promise<string> {
  const registry = new Registry();
  const processes = source.processes();
  const apps = source.apps();
  addDaemonMetrics(registry);
  addProcessMetrics(registry, processes, source);
  addAppMetrics(
    registry,
    processes,
    apps,
    continuity.holders(
      processes,
      apps.map((a) => a.name),
    ),
  );
  return registry.metrics();
}

function addProcessMetrics(registry: Registry, processes: ProcessDetail[], source: MetricsSource): void {
  const registers = [registry];
  const labelNames = PROCESS_LABELS;
  const gauge = (name: string, help: string) =>
    new Gauge<ProcessLabel>({ name, help, labelNames, registers });
  const cpu = new Counter<ProcessLabel>({
    name: 'shoal_process_cpu_seconds_total',
    help: 'User and system CPU time of the current run of the process, in seconds (resets on restart).',
    labelNames,
    registers,
  });
  const restarts = new Counter<ProcessLabel>({
    name: 'shoal_process_restarts_total',
    help: 'Restarts of the process since it was created (crash, memory limit, watch, cron, user).',
    labelNames,
    registers,
  });
  const dropped = new Counter<ProcessLabel>({
    name: 'shoal_log_dropped_lines_total',
    help: 'Lines of the process its log files could not take (a full disk, an I/O error), since it was created.',
    labelNames,
    registers,
  });
  const memory = gauge('shoal_process_resident_memory_bytes', 'Resident memory of the process, in bytes.');
  const up = gauge('shoal_process_up', '1 when the process is online, else 0.');
  const uptime = gauge('shoal_process_uptime_seconds', 'Seconds since the current run started; 0 when down.');
  const status = new Gauge<ProcessLabel | 'status'>({
    name: 'shoal_process_status',
    help: 'Status of the process: one series per status, 1 for the current one.',
    labelNames: [...labelNames, 'status'],
    registers,
  });
  const heapUsed = gauge(
    'shoal_process_heap_used_bytes',
    'V8 heap in use, bytes (Node apps that report it).',
  );
  const heapTotal = gauge(
    'shoal_process_heap_total_bytes',
    'V8 heap size, bytes (Node apps that report it).',
  );
  const loopDelay = gauge(
    'shoal_process_event_loop_delay_seconds',
    'Mean event-loop delay over the last report interval, seconds (Node apps that report it).',
  );

  for (const p of processes) {
    const labels = { app: p.name, app_instance: String(p.instance), id: String(p.id) };
    restarts.inc(labels, p.restarts);
    dropped.inc(labels, p.log_dropped?.lines ?? 0);
    const cpuSeconds = p.status === 'online' ? source.cpuSeconds(p.pid) : null;
    if (cpuSeconds !== null) cpu.inc(labels, cpuSeconds);
    memory.set(labels, p.memory);
    up.set(labels, p.status === 'online' ? 1 : 0);
    uptime.set(labels, p.uptime / 1000);
    for (const s of ProcessStatusSchema.options)
      status.set({ ...labels, status: s }, s === (p.status as ProcessStatus) ? 1 : 0);
    if (p.heap_used !== null) heapUsed.set(labels, p.heap_used);
    if (p.heap_total !== null) heapTotal.set(labels, p.heap_total);
    if (p.loop_delay !== null) loopDelay.set(labels, p.loop_delay);
  }
}

function addAppMetrics(
  registry: Registry,
  processes: ProcessDetail[],
  apps: Array<{ name: string; desired: number }>,
  holders: MetricHolder[],
): void {
  const registers = [registry];
  // Two metrics rather than one with a state label: summing desired and online together means nothing.
  const desired = new Gauge<'app'>({
    name: 'shoal_app_instances_desired',
    help: 'Instances the app is configured to run.',
    labelNames: ['app'],
    registers,
  });
  const online = new Gauge<'app'>({
    name: 'shoal_app_instances_online',
    help: 'Instances of the app that are online.',
    labelNames: ['app'],
    registers,
  });
  for (const a of apps) {
    desired.set({ app: a.name }, a.desired);
    online.set({ app: a.name }, processes.filter((p) => p.name === a.name && p.status === 'online').length);
  }

  for (const family of aggregateAppMetrics(holders)) {
    try {
      registerAppFamily(registry, family);
    } catch {
      // A name clash (an app declaring both foo and foo_per_instance, or an invalid label name):
      // that family is left out rather than failing the whole scrape.
    }
  }
}
