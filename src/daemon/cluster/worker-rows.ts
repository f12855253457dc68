// The rows a cluster app shows in ls and describe: one per worker slot, from the primary's last snapshot,
// with the primary's own facts, listening notices, and the daemon's CPU and memory samples.
import type { Slot, WorkerSnapshot } from '../../protocol/primary-channel.js';
import type { AppConfig } from '../../protocol/app-config.js';
import type { PrimaryInfo, ProcessDetail } from '../../protocol/process-info.js';
import type { AppContext } from '../app-context.js';
import { idleState, processRecord } from '../process-record.js';
import { listeningNotices } from './listen-check.js';

export function workerRows(
  slots: Slot[],
  workers: WorkerSnapshot[],
  primary: PrimaryInfo,
  config: AppConfig,
  ctx: AppContext,
): ProcessDetail[] {
  const known = new Map(workers.map((w) => [w.id, w]));
  const notices = listeningNotices(workers);
  return slots.map((slot) => {
    // Slots without a worker yet (autostart off, or the primary not up) show as stopped.
    const state = known.get(slot.id) ?? idleState(slot);
    const shown = primary.problem
      ? { ...state, pid: null, status: 'errored' as const, status_reason: primary.problem }
      : state;
    const sample = ctx.sampler.get(shown.pid);
    return processRecord(shown, config, ctx.home, sample, primary, notices.get(slot.id) ?? null);
  });
}
