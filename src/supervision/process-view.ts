// The one way a supervised process becomes data: the daemon's fork apps and a primary's workers both go
// through it, so `ls` and `describe` read the same fields with the same meaning whatever the mode.
import type { ProcessState } from '../protocol/process-info.js';
import type { ManagedProcess } from './managed-process.js';

export function stateOf(p: ManagedProcess): ProcessState {
  return {
    id: p.id,
    instance: p.instance,
    pid: p.pid,
    status: p.status,
    status_reason: p.statusReason,
    restarts: p.restarts,
    unstable_restarts: p.unstableRestarts,
    started_at: p.startedAt,
    created_at: p.createdAt,
    last_exit: p.lastExit,
    last_restart_reason: p.lastRestartReason,
    // Figures of the current run only: they are cleared when the process exits.
    heap_used: p.stats?.heap_used ?? null,
    heap_total: p.stats?.heap_total ?? null,
    loop_delay: p.stats?.loop_delay ?? null,
    listening: [...p.listening],
    hang_report: p.hangReport,
    ready_by: p.confirmedBy,
    recent_stderr: [...p.recentStderr],
    exits: [...p.exits],
    next_restart_at: p.nextRestartAt,
    app_metrics: p.stats?.app_metrics ?? [],
  };
}
