// max_memory_restart: after every sampler tick, replaces each online process whose resident memory is
// over its app's limit. The decision is memory-limit-policy.ts; this file only keeps the per-process bookkeeping.
import { now } from '../../supervision/clock.js';
import { log } from '../daemon-log.js';
import type { Supervisor } from '../supervisor.js';
import type { DaemonFeature } from './feature.js';
import { decideMemoryRestart } from './memory-limit-policy.js';

export function memoryLimitFeature(): DaemonFeature {
  /** Process id -> when its last memory replacement was decided or finished (the later). */
  const lastRestartAt = new Map<number, number>();
  const replacing = new Set<number>();
  let unsubscribe: (() => void) | null = null;

  const check = (supervisor: Supervisor): void => {
    const seen = new Set<number>();
    for (const app of supervisor.appRunners()) {
      const limit = app.config.max_memory_restart;
      // Most apps have no limit: their process lists are not built on every tick (their ids, unseen,
      // leave the bookkeeping below).
      if (limit === null) continue;
      for (const p of app.processes()) {
        seen.add(p.id);
        const decision = decideMemoryRestart({
          limit,
          status: p.status,
          memory: p.memory,
          lastMemoryRestartAt: lastRestartAt.get(p.id) ?? null,
          replacing: replacing.has(p.id),
          now: now(),
          minGapMs: supervisor.sampler.intervalMs,
        });
        if (decision.action === 'keep') continue;
        replacing.add(p.id);
        lastRestartAt.set(p.id, now());
        log('memory.limit_exceeded', { app: app.name, id: p.id, pid: p.pid, memory: p.memory, limit });
        // Through the runner, so cluster apps reload just that worker and fork apps restart it; the
        // runner records the reason as the process's last_restart_reason.
        app
          .replace(p.id, decision.reason)
          .catch((err: unknown) =>
            log('memory.replace_failed', { app: app.name, id: p.id, message: (err as Error).message }),
          )
          .finally(() => {
            replacing.delete(p.id);
            lastRestartAt.set(p.id, now());
          });
      }
    }
    // Ids are never reused, so entries of deleted processes would only accumulate.
    for (const id of lastRestartAt.keys()) if (!seen.has(id) && !replacing.has(id)) lastRestartAt.delete(id);
  };

  return {
    name: 'memory-limit',
    start({ supervisor }) {
      unsubscribe = supervisor.sampler.onTick(() => check(supervisor));
    },
    stop() {
      unsubscribe?.();
      unsubscribe = null;
    },
  };
}
