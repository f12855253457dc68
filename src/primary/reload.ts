// Zero-downtime replacement of cluster workers, one slot at a time: start the new worker beside the old
// one, wait until it is really ready (listening, or its ready signal with wait_ready), and only then
// drain the old one. A replacement that fails stops the reload and leaves the old workers serving.
import { ShoalError } from '../errors.js';
import type { ManagedProcess } from '../supervision/managed-process.js';
import { log } from './primary-log.js';
import type { WorkerPool } from './worker-pool.js';

/** The part of a worker's stderr worth showing: from the first error line on, a few lines. */
function errorLines(lines: readonly string[]): string[] {
  const first = lines.findIndex((l) => /\b\w*Error\b|^\s*throw\b/.test(l));
  return lines.slice(first === -1 ? Math.max(0, lines.length - 6) : first).slice(0, 6);
}

async function replaceSlot(pool: WorkerPool, old: ManagedProcess, reason: string): Promise<void> {
  if (old.status !== 'online') {
    // Nothing is serving from this slot: a plain restart loses no capacity.
    await old.restart(reason, pool.app);
    return;
  }
  const fresh = pool.create({ id: old.id, instance: old.instance });
  fresh.restarts = old.restarts + 1;
  fresh.lastRestartReason = reason;
  fresh.start(reason);
  const outcome = await fresh.waitReady();
  // An app that never listened (a queue consumer) cannot prove readiness by listening; for it,
  // surviving listen_timeout is the best evidence there is. Everyone else must really be ready.
  const ready = outcome === 'ready' || (outcome === 'timeout' && !pool.everListened && !pool.app.wait_ready);
  if (!ready) {
    const why =
      outcome === 'exited'
        ? `exited before it was ready (${fresh.lastExit?.reason ?? 'unknown'})`
        : `was not ready within listen_timeout (${pool.app.listen_timeout} ms)`;
    const stderr = errorLines(fresh.recentStderr);
    await pool.retire(fresh, 'reload aborted');
    log('reload.failed', { app: pool.app.name, instance: old.instance, why });
    throw new ShoalError(
      'SHOAL_ERR_RELOAD_FAILED',
      `Reload of ${pool.app.name} stopped: the new worker for instance ${old.instance} ${why}. The old workers keep serving.${
        stderr.length > 0 ? `\nLast stderr lines of the new worker:\n  ${stderr.join('\n  ')}` : ''
      }`,
      { app: pool.app.name, instance: old.instance, outcome, stderr },
    );
  }
  pool.slots.set(old.id, fresh);
  pool.emit('changed');
  // The old worker stops getting connections as soon as its servers close (the preload does it on drain).
  await pool.retire(old, `replaced (${reason})`);
}

/** Replaces every worker in turn; returns a line per worker for the user. */
export async function rollingReload(pool: WorkerPool, reason: string): Promise<string[]> {
  const started = Date.now();
  const olds = [...pool.slots.values()].sort((a, b) => a.instance - b.instance);
  for (const old of olds) {
    if (pool.slots.get(old.id) !== old) continue; // scaled away meanwhile
    await replaceSlot(pool, old, reason);
  }
  return [`${pool.app.name}: reloaded ${olds.length} worker(s) one by one in ${Date.now() - started} ms`];
}

export async function replaceWorker(pool: WorkerPool, id: number, reason: string): Promise<void> {
  const old = pool.slots.get(id);
  if (!old) return;
  await replaceSlot(pool, old, reason);
}
