// A worker whose event loop stopped answering (supervision/heartbeat.ts): out of the balancing at once
// when other workers can serve, a replacement started beside it, and only once the replacement is ready
// (or has failed) and the worker's diagnostic report is written is the hung worker killed. A hung
// worker cannot drain, so it is killed outright.
import { hangReportWritten, hungReason } from '../supervision/heartbeat.js';
import { hangReportPath, hangReportPrefix } from '../supervision/launch-spec.js';
import type { ManagedProcess } from '../supervision/managed-process.js';
import { log } from './primary-log.js';
import type { WorkerPool } from './worker-pool.js';

export async function replaceHungWorker(
  pool: WorkerPool,
  hung: ManagedProcess,
  blockedMs: number,
  home: string,
): Promise<void> {
  if (pool.slots.get(hung.id) !== hung || hung.status !== 'online' || hung.pid === null) return;
  const reason = hungReason(blockedMs);
  const report = hangReportPath(
    hangReportPrefix(pool.app, { id: hung.id, instance: hung.instance, home }),
    hung.pid,
  );
  const othersServe = [...pool.slots.values()].some((p) => p !== hung && p.status === 'online');
  // Out of the balancing at once (a cluster worker's primary stops handing it connections).
  if (othersServe) hung.handle?.isolate?.();
  log('worker.hung', { app: pool.app.name, instance: hung.instance, pid: hung.pid, blocked_ms: blockedMs });

  const fresh = pool.create({ id: hung.id, instance: hung.instance });
  fresh.restarts = hung.restarts + 1;
  fresh.lastRestartReason = reason;
  fresh.start(`restart after ${reason}`);
  const outcome = await fresh.waitReady();
  const written = await hangReportWritten(hung, report, blockedMs);
  fresh.hangReport = written ? report : hung.hangReport;
  pool.slots.set(hung.id, fresh);
  pool.emit('changed');
  log('worker.hung_replaced', { app: pool.app.name, instance: hung.instance, outcome, report: written });
  await pool.retire(hung, reason, true);
}
