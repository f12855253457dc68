// A supervised process's lifecycle: the states (PM2's names), the only transitions allowed between them,
// and the questions the rest of the code asks about a state. Every such question is answered here, so
// that "running" means one thing everywhere.
import type { ProcessStatus } from '../protocol/process-info.js';

export type { ProcessStatus };

const TRANSITIONS: Record<ProcessStatus, readonly ProcessStatus[]> = {
  // launching: spawned (or waiting out a restart delay) and not yet ready
  launching: ['online', 'stopping', 'stopped', 'errored', 'launching'],
  online: ['launching', 'stopping', 'stopped', 'errored'],
  stopping: ['stopped', 'launching'],
  stopped: ['launching'],
  errored: ['launching'],
};

export function canTransition(from: ProcessStatus, to: ProcessStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export class IllegalTransitionError extends Error {
  constructor(from: ProcessStatus, to: ProcessStatus) {
    super(`illegal process transition ${from} -> ${to}`);
  }
}

/** A process runs, or is about to (starting, or waiting out a restart delay). */
export function isLive(status: ProcessStatus): boolean {
  return status === 'launching' || status === 'online';
}

/** Nothing runs and nothing will until someone starts it: `start` acts on these. */
export function mayStart(status: ProcessStatus): boolean {
  return status === 'stopped' || status === 'errored';
}

/**
 * The user wants it running: live, or failed (errored) without anyone stopping it. Saved as running by
 * `shoal save`, restarted by a new daemon after a crash, and refreshed by watch and cron.
 */
export function savedAsRunning(status: ProcessStatus): boolean {
  return status === 'launching' || status === 'online' || status === 'errored';
}

/**
 * Where a process of a cluster app goes when its primary dies (the worker dies with it): one being
 * stopped is stopped; one that was live follows the restart decision; one at rest stays as it is.
 */
export function statusAfterPrimaryDeath(
  from: ProcessStatus,
  decision: 'restart' | 'stop' | 'give-up',
): ProcessStatus {
  if (from === 'stopping') return 'stopped';
  if (!isLive(from)) return from;
  if (decision === 'restart') return 'launching';
  return decision === 'stop' ? 'stopped' : 'errored';
}
