// What every export target derives from an app the same way: its DNS-safe name, its port, the command
// that runs it with `shoal run`, how many workers and copies, the memory limit and the grace period.
import { basename } from 'node:path';
import type { AppConfig } from '../../protocol/app-config.js';

/** The port `shoal run --health-port` answers on in the exported deployments. */
export const HEALTH_PORT = 9615;
/** Seconds a removed pod keeps serving so load balancers stop sending it traffic before SIGTERM. */
export const PRE_STOP_SECONDS = 5;
/** Memory Shoal's own processes (daemon, cluster primary) need on top of the workers. */
const SHOAL_OVERHEAD_BYTES = 128 * 1024 * 1024;

/** "N workers in one pod/container" (Shoal's cluster, one replica) or "N pods of one process each". */
export type ScaleBy = 'workers' | 'replicas';

export interface ExportOptions {
  /** The process file as the image has it, relative to the image's WORKDIR. */
  processFile: string;
  envName: string | null;
  image: string;
  scaleBy: ScaleBy;
}

export interface HealthCheck {
  path: string;
  port: number;
}

/** A DNS-1123 label (Kubernetes object names, compose service names): lowercase, digits and '-'. */
export function dnsName(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return cleaned === '' ? 'app' : cleaned;
}

/** The app's port, from env.PORT (PM2's convention), or null when none is set. */
export function portOf(app: AppConfig): number | null {
  const port = Number(app.env.PORT);
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : null;
}

/** The app's `health_check` path and port, the port defaulting to its PORT; null when not set. */
export function healthCheckOf(app: AppConfig): HealthCheck | null {
  const check = app.health_check;
  if (!check) return null;
  const port = check.port ?? portOf(app);
  return port === null ? null : { path: check.path, port };
}

/** Processes per copy and copies: `instances` workers in one copy, or `instances` copies of one. */
export function layout(app: AppConfig, scaleBy: ScaleBy): { workers: number | 'max'; replicas: number } {
  if (scaleBy === 'workers' || app.instances === 'max') return { workers: app.instances, replicas: 1 };
  return { workers: 1, replicas: app.instances };
}

/** The container command: `shoal run` of this app only, with its probes open to the kubelet. */
export function runCommand(app: AppConfig, opts: ExportOptions): string[] {
  const { workers } = layout(app, opts.scaleBy);
  return [
    'npx',
    'shoal',
    'run',
    opts.processFile,
    '--only',
    app.name,
    ...(opts.envName ? ['--env', opts.envName] : []),
    ...(workers !== app.instances ? ['-i', String(workers)] : []),
    '--health-port',
    String(HEALTH_PORT),
    '--health-host',
    '0.0.0.0',
  ];
}

/** Seconds to wait for a graceful stop: the app's kill_timeout, the preStop pause, and a margin. */
export function graceSeconds(app: AppConfig): number {
  return Math.ceil(app.kill_timeout / 1000) + PRE_STOP_SECONDS + 5;
}

/** The memory limit of one copy: every worker at max_memory_restart plus Shoal's own; null if unset. */
export function memoryLimitBytes(app: AppConfig, scaleBy: ScaleBy): number | null {
  if (app.max_memory_restart === null) return null;
  const { workers } = layout(app, scaleBy);
  // With "max" the worker count is only known in the container: one limit per worker cannot be given.
  if (workers === 'max') return null;
  return app.max_memory_restart * workers + SHOAL_OVERHEAD_BYTES;
}

/** Mebibytes, rounded up: "384Mi". */
export function mebibytes(bytes: number): string {
  return `${Math.ceil(bytes / (1024 * 1024))}Mi`;
}

/** The default image name: the project directory's name. */
export function defaultImage(processFile: string, cwd: string): string {
  return `${dnsName(basename(cwd)) || dnsName(basename(processFile))}:latest`;
}
