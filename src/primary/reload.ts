// Zero-downtime replacement of cluster workers, one slot at a time: start the new worker beside the old
// one, wait until it is really ready (listening on every address the old one listens on, or its ready
// signal with wait_ready), and only then drain the old one. A replacement that fails stops the reload
// and leaves the old workers serving.
import { ShoalError } from '../errors.js';
import { firstGoodProbe } from '../supervision/health-monitor.js';
import type { ManagedProcess } from '../supervision/managed-process.js';
import { log } from './primary-log.js';
import type { WorkerPool } from './worker-pool.js';

/** Lines of a new worker's stderr quoted in a failed reload: from its first line, as Node prints an error. */
const QUOTED_STDERR_LINES = 12;
/** Once a new worker listens somewhere, how long it has to listen on the rest of the old worker's addresses. */
const ADDRESS_GRACE_MS = 2_000;

/**
 * Resolves true once `fresh` listens on every one of `required`, false when it exits, when
 * listen_timeout is over, or when it has listened elsewhere and ADDRESS_GRACE_MS passed without the rest.
 */
function listensOn(fresh: ManagedProcess, required: string[], listenTimeout: number): Promise<boolean> {
  const missing = () => required.filter((a) => !fresh.listening.includes(a));
  if (missing().length === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timers: NodeJS.Timeout[] = [];
    const done = (ok: boolean) => {
      for (const t of timers) clearTimeout(t);
      fresh.off('listening', onListening);
      fresh.off('exit', onExit);
      resolve(ok);
    };
    const onListening = () => {
      if (missing().length === 0) done(true);
    };
    const onExit = () => done(false);
    fresh.on('listening', onListening);
    fresh.on('exit', onExit);
    const startedAt = fresh.startedAt ?? Date.now();
    timers.push(setTimeout(() => done(false), Math.max(0, startedAt + listenTimeout - Date.now())));
    if (fresh.listening.length > 0) timers.push(setTimeout(() => done(false), ADDRESS_GRACE_MS));
  });
}

function reloadFailed(
  pool: WorkerPool,
  old: ManagedProcess,
  fresh: ManagedProcess,
  why: string,
  outcome: string,
) {
  const stderr = fresh.recentStderr.slice(0, QUOTED_STDERR_LINES);
  log('reload.failed', { app: pool.app.name, instance: old.instance, why });
  return new ShoalError(
    'SHOAL_ERR_RELOAD_FAILED',
    `Reload of ${pool.app.name} stopped: the new worker for instance ${old.instance} ${why}. The old workers keep serving.${
      stderr.length > 0 ? `\nStderr of the new worker:\n  ${stderr.join('\n  ')}` : ''
    }`,
    { app: pool.app.name, instance: old.instance, outcome, stderr },
  );
}

/** What made a replacement count as ready, for the reload's report. */
export type ReadyProof = 'listening' | 'signal' | 'listen_timeout' | 'restarted';

async function replaceSlot(pool: WorkerPool, old: ManagedProcess, reason: string): Promise<ReadyProof> {
  if (old.status !== 'online') {
    // Nothing is serving from this slot: a plain restart loses no capacity.
    await old.restart(reason, pool.app);
    return 'restarted';
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
    const err = reloadFailed(pool, old, fresh, why, outcome);
    await pool.retire(fresh, 'reload aborted');
    throw err;
  }
  // Ready counts only where the old worker's clients are: on every address it listens on.
  const required = [...old.listening];
  if (!(await listensOn(fresh, required, pool.app.listen_timeout))) {
    const where = fresh.listening.length > 0 ? `listens on ${fresh.listening.join(', ')}` : 'does not listen';
    const why =
      fresh.status === 'online' || fresh.status === 'launching'
        ? `${where}, but the worker it replaces listens on ${required.join(', ')} (a server that moves to another port when its port answers does this in cluster mode, where the port always answers)`
        : `exited before it listened on ${required.join(', ')} (${fresh.lastExit?.reason ?? 'unknown'})`;
    const err = reloadFailed(pool, old, fresh, why, 'elsewhere');
    await pool.retire(fresh, 'reload aborted');
    throw err;
  }
  // With a health check, ready also means the first good probe.
  const unhealthy = await firstGoodProbe(fresh, pool.app.listen_timeout);
  if (unhealthy !== null) {
    const why = `did not pass its health check (GET ${pool.app.health_check!.path}: ${unhealthy}) within listen_timeout (${pool.app.listen_timeout} ms)`;
    const err = reloadFailed(pool, old, fresh, why, 'unhealthy');
    await pool.retire(fresh, 'reload aborted');
    throw err;
  }
  pool.slots.set(old.id, fresh);
  pool.emit('changed');
  // The old worker stops getting connections as soon as its servers close (the preload does it on drain).
  await pool.retire(old, `replaced (${reason})`);
  if (outcome === 'timeout') return 'listen_timeout';
  return fresh.confirmedBy ?? 'listening';
}

/** How the new workers proved they were ready, in words: a reload says whether a timeout counted. */
function readinessNote(pool: WorkerPool, proofs: ReadyProof[]): string {
  const parts: string[] = [];
  const count = (p: ReadyProof) => proofs.filter((x) => x === p).length;
  if (count('listening') > 0) parts.push(`${count('listening')} ready by listening`);
  if (count('signal') > 0) parts.push(`${count('signal')} ready by their ready signal`);
  if (count('listen_timeout') > 0)
    parts.push(
      `${count('listen_timeout')} counted as ready because still alive after listen_timeout (${pool.app.listen_timeout} ms): the app never listens`,
    );
  if (count('restarted') > 0) parts.push(`${count('restarted')} not online before, restarted in place`);
  return parts.join('; ');
}

/** Replaces every worker in turn; returns a line per worker for the user. */
export async function rollingReload(pool: WorkerPool, reason: string): Promise<string[]> {
  const started = Date.now();
  const olds = [...pool.slots.values()].sort((a, b) => a.instance - b.instance);
  const proofs: ReadyProof[] = [];
  for (const old of olds) {
    if (pool.slots.get(old.id) !== old) continue; // scaled away meanwhile
    proofs.push(await replaceSlot(pool, old, reason));
  }
  return [
    `${pool.app.name}: reloaded ${olds.length} worker(s) one by one in ${Date.now() - started} ms (${readinessNote(pool, proofs)})`,
  ];
}

/**
 * A worker that failed its health checks: replaced like in a reload (the new one ready first), or, when
 * no replacement gets ready, restarted in place.
 */
export async function replaceUnhealthy(
  pool: WorkerPool,
  proc: ManagedProcess,
  reason: string,
): Promise<void> {
  if (pool.slots.get(proc.id) !== proc) return;
  try {
    await replaceSlot(pool, proc, reason);
  } catch {
    if (pool.slots.get(proc.id) === proc) await proc.restart(reason, pool.app);
  }
}

export async function replaceWorker(pool: WorkerPool, id: number, reason: string): Promise<void> {
  const old = pool.slots.get(id);
  if (!old) return;
  await replaceSlot(pool, old, reason);
}
