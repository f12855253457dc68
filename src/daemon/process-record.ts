// The record the CLI sees of one process (`describe`; `ls` shows its list fields): what the process's
// supervisor knows of it (supervision/process-view.ts, or a primary's snapshot of a worker) plus what the
// daemon adds: the app's identity and config, the latest OS sample, log paths and the app's primary.
import type { AppConfig } from '../protocol/app-config.js';
import type { PrimaryInfo, ProcessDetail, ProcessState } from '../protocol/process-info.js';
import { logPath } from '../supervision/log-paths.js';
import type { Sample } from './metrics-sampler.js';

export function processRecord(
  state: ProcessState,
  app: AppConfig,
  home: string,
  sample: Sample | undefined,
  primary: PrimaryInfo | null = null,
  notice: string | null = null,
): ProcessDetail {
  return {
    ...state,
    notice,
    name: app.name,
    namespace: app.namespace,
    mode: app.exec_mode,
    uptime: state.pid !== null && state.started_at !== null ? Date.now() - state.started_at : 0,
    cpu: sample?.cpu ?? 0,
    memory: sample?.memory ?? 0,
    config: app,
    out_log: logPath(app, home, 'out', state.instance),
    err_log: logPath(app, home, 'err', state.instance),
    primary_pid: primary?.pid ?? null,
    primary,
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
  };
}
