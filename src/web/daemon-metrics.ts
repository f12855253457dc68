// The series about Shoal itself on /metrics: shoal_build_info (which version answers, on which Node) and
// the daemon's own process figures. Named shoal_daemon_* rather than Prometheus' usual process_*, which
// apps exporting prom-client's default metrics through Shoal would also use.
import { readdirSync } from 'node:fs';
import { Counter, Gauge, type Registry } from 'prom-client';
import { packageVersion } from '../protocol/version.js';

/** Counted once: the wall-clock start of this process, in seconds, as Prometheus' process_start_time_seconds. */
const startedAt = Date.now() / 1000 - process.uptime();

function openFds(): number | null {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return null; // not Linux
  }
}

export function addDaemonMetrics(registry: Registry): void {
  const registers = [registry];
  new Gauge({
    name: 'shoal_build_info',
    help: 'Always 1; the labels say which Shoal version and Node.js run the daemon.',
    labelNames: ['version', 'node_version'],
    registers,
  }).set({ version: packageVersion(), node_version: process.versions.node }, 1);

  const cpu = process.cpuUsage();
  const cpuSeconds = new Counter({
    name: 'shoal_daemon_cpu_seconds_total',
    help: 'CPU time the daemon process has used, in seconds, by mode (user, system).',
    labelNames: ['mode'],
    registers,
  });
  cpuSeconds.inc({ mode: 'user' }, cpu.user / 1e6);
  cpuSeconds.inc({ mode: 'system' }, cpu.system / 1e6);
  const mem = process.memoryUsage();
  const gauge = (name: string, help: string, value: number) =>
    new Gauge({ name, help, registers }).set(value);
  gauge('shoal_daemon_resident_memory_bytes', 'Resident memory of the daemon process, in bytes.', mem.rss);
  gauge('shoal_daemon_heap_used_bytes', 'V8 heap in use in the daemon process, in bytes.', mem.heapUsed);
  gauge('shoal_daemon_start_time_seconds', 'When the daemon process started, in Unix seconds.', startedAt);
  const fds = openFds();
  if (fds !== null) gauge('shoal_daemon_open_fds', 'File descriptors the daemon process holds open.', fds);
}
