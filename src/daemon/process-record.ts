// The record the CLI sees of one process (`describe`; `ls` shows its list fields): what the process's
// supervisor knows of it (supervision/process-view.ts, or a primary's snapshot of a worker) plus what the
// daemon adds: the app's identity and config, the latest OS sample, log paths and the app's primary.
import type { AppConfig } from '../protocol/app-config.js';
import type { PrimaryInfo, ProcessDetail, ProcessInfo, ProcessState } from '../protocol/process-info.js';
import { logPath } from '../supervision/log-paths.js';
import type { ManagedProcess } from '../supervision/managed-process.js';
import type { Sample } from './metrics-sampler.js';

/**
 * Log paths depend only on the config, home and instance; every `ls`, settle poll and sampler tick asks
 * for them again, so they are computed once per config object (a new config is a new object).
 */
const pathsByConfig = new WeakMap<AppConfig, Map<string, [string | null, string | null]>>();

export function logPathsOf(app: AppConfig, home: string, instance: number): [string | null, string | null] {
  let byInstance = pathsByConfig.get(app);
  if (!byInstance) {
    byInstance = new Map();
    pathsByConfig.set(app, byInstance);
  }
  const key = `${instance} ${home}`;
  let paths = byInstance.get(key);
  if (!paths) {
    paths = [logPath(app, home, 'out', instance), logPath(app, home, 'err', instance)];
    byInstance.set(key, paths);
  }
  return paths;
}

const uptimeOf = (pid: number | null, startedAt: number | null) =>
  pid !== null && startedAt !== null ? Date.now() - startedAt : 0;

export function processRecord(
  state: ProcessState,
  app: AppConfig,
  home: string,
  sample: Sample | undefined,
  primary: PrimaryInfo | null = null,
  notice: string | null = null,
): ProcessDetail {
  const [outLog, errLog] = logPathsOf(app, home, state.instance);
  // Every field by name rather than `...state` plus more: a spread followed by a dozen new keys leaves
  // V8 a slow dictionary-mode object several times the size, and settle polls build 1,000 of them.
  return {
    id: state.id,
    instance: state.instance,
    pid: state.pid,
    status: state.status,
    status_reason: state.status_reason,
    restarts: state.restarts,
    unstable_restarts: state.unstable_restarts,
    started_at: state.started_at,
    created_at: state.created_at,
    last_exit: state.last_exit,
    last_restart_reason: state.last_restart_reason,
    heap_used: state.heap_used,
    heap_total: state.heap_total,
    loop_delay: state.loop_delay,
    listening: state.listening,
    hang_report: state.hang_report,
    ready_by: state.ready_by,
    recent_stderr: state.recent_stderr,
    exits: state.exits,
    next_restart_at: state.next_restart_at,
    app_metrics: state.app_metrics,
    log_dropped: state.log_dropped,
    notice,
    name: app.name,
    namespace: app.namespace,
    mode: app.exec_mode,
    uptime: uptimeOf(state.pid, state.started_at),
    cpu: sample?.cpu ?? 0,
    memory: sample?.memory ?? 0,
    config: app,
    out_log: outLog,
    err_log: errLog,
    primary_pid: primary?.pid ?? null,
    primary,
  };
}

/**
 * The list row of a fork process, straight from it: the same fields as infoOf(processRecord(stateOf(p)))
 * without building the detail first (its histories, stderr lines and log paths), which `ls` and every
 * sampler tick would otherwise pay for each of 1,000 processes.
 */
export function forkInfo(p: ManagedProcess, sample: Sample | undefined): ProcessInfo {
  const app = p.app;
  return {
    id: p.id,
    name: app.name,
    namespace: app.namespace,
    mode: app.exec_mode,
    instance: p.instance,
    pid: p.pid,
    status: p.status,
    restarts: p.restarts,
    uptime: uptimeOf(p.pid, p.startedAt),
    cpu: sample?.cpu ?? 0,
    memory: sample?.memory ?? 0,
    unstable_restarts: p.unstableRestarts,
    last_exit: p.lastExit,
    status_reason: p.statusReason,
    started_at: p.startedAt,
    created_at: p.createdAt,
    last_restart_reason: p.lastRestartReason,
    heap_used: p.stats?.heap_used ?? null,
    heap_total: p.stats?.heap_total ?? null,
    loop_delay: p.stats?.loop_delay ?? null,
    listening: [...p.listening],
    hang_report: p.hangReport,
    notice: null,
    log_dropped: p.logDropped ? { ...p.logDropped } : null,
  };
}

/** A process the app has a place for but that never ran (autostart off, or waiting for its primary). */
export function idleState(slot: { id: number; instance: number }, reason = 'not started'): ProcessState {
  return {
    ...slot,
    pid: null,
    status: 'stopped',
    status_reason: reason,
    restarts: 0,
    unstable_restarts: 0,
    started_at: null,
    created_at: Date.now(),
    last_exit: null,
    last_restart_reason: null,
    exits: [],
    recent_stderr: [],
    next_restart_at: null,
    heap_used: null,
    heap_total: null,
    loop_delay: null,
    listening: [],
    hang_report: null,
    ready_by: null,
    app_metrics: [],
    log_dropped: null,
  };
}
