// What the daemon's view of a cluster app's workers becomes when its primary dies (the workers die with
// it): a pure function of the workers and the restart decision, so it is tested without processes.
import type { WorkerSnapshot } from '../../protocol/primary-channel.js';
import { isLive, statusAfterPrimaryDeath } from '../../supervision/process-state.js';
import type { RestartDecision } from '../../supervision/restart-policy.js';

export interface AfterPrimaryDeath {
  workers: WorkerSnapshot[];
  /** Ids of the workers that were meant to run: the ones a new primary starts again. */
  live: number[];
}

/** `reason` says what happened to the primary ("cluster primary killed by SIGKILL"). */
export function afterPrimaryDeath(
  workers: WorkerSnapshot[],
  decision: RestartDecision,
  reason: string,
): AfterPrimaryDeath {
  const live = workers.filter((w) => isLive(w.status)).map((w) => w.id);
  const statusReason =
    decision.action === 'restart'
      ? `${reason}; restarting the primary${decision.delay > 0 ? ` in ${decision.delay} ms` : ''}`
      : `cluster primary ${decision.reason}`;
  const next = workers.map((w) => {
    const status = statusAfterPrimaryDeath(w.status, decision.action);
    if (status === w.status && !isLive(w.status)) return { ...w, pid: null };
    return {
      ...w,
      pid: null,
      status,
      status_reason: statusReason,
      heap_used: null,
      heap_total: null,
      loop_delay: null,
      ...(status === 'launching' ? { restarts: w.restarts + 1, last_restart_reason: reason } : {}),
    };
  });
  return { workers: next, live };
}
