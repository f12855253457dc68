// A supervised process's lifecycle: the states (PM2's names) and the only transitions allowed between them.
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

export function isRunningStatus(status: ProcessStatus): boolean {
  return status === 'launching' || status === 'online';
}
