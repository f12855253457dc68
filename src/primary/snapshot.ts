// What the primary tells the daemon about one worker.
import type { WorkerSnapshot } from '../protocol/primary-messages.js';
import type { ManagedProcess } from '../supervision/managed-process.js';

export function snapshotOf(p: ManagedProcess): WorkerSnapshot {
  const info = p.info();
  return {
    id: p.id,
    instance: p.instance,
    pid: info.pid,
    status: info.status,
    status_reason: info.status_reason,
    restarts: info.restarts,
    unstable_restarts: info.unstable_restarts,
    started_at: info.started_at,
    created_at: info.created_at,
    last_exit: info.last_exit,
    last_restart_reason: info.last_restart_reason,
    exits: [...p.exits],
    recent_stderr: [...p.recentStderr],
    next_restart_at: p.nextRestartAt,
    heap_used: info.heap_used,
    heap_total: info.heap_total,
    loop_delay: info.loop_delay,
    app_metrics: p.stats?.app_metrics ?? [],
  };
}
