// The max_memory_restart policy as a pure function: given the limit, one process's latest sample and when
// this process was last replaced for memory, decide whether to replace it now. No timers, no processes.
import type { ProcessStatus } from '../../protocol/process-info.js';

export interface MemoryCheckInput {
  /** max_memory_restart in bytes; null or 0 means no limit. */
  limit: number | null;
  status: ProcessStatus;
  /** Resident memory of the current run, bytes; 0 when not sampled yet. */
  memory: number;
  /** When this process was last replaced for memory (ms), or null. */
  lastMemoryRestartAt: number | null;
  /** A replacement for this process is still in progress. */
  replacing: boolean;
  now: number;
  /** The sampler's interval: the shortest gap between two memory restarts of one process. */
  minGapMs: number;
}

export type MemoryDecision = { action: 'keep' } | { action: 'replace'; reason: string };

const KEEP: MemoryDecision = { action: 'keep' };

export function decideMemoryRestart(input: MemoryCheckInput): MemoryDecision {
  if (input.limit === null || input.limit <= 0) return KEEP;
  // Only a running process can be over its limit; one launching or stopping is being handled already.
  if (input.status !== 'online' || input.replacing) return KEEP;
  // No restart storm: a process restarted for memory gets at least one full sample of its new run
  // before it can be restarted again, even if ticks come closer together (start/restart also tick).
  if (input.lastMemoryRestartAt !== null && input.now - input.lastMemoryRestartAt < input.minGapMs)
    return KEEP;
  if (input.memory <= input.limit) return KEEP;
  return {
    action: 'replace',
    reason: `memory limit: ${formatMegabytes(input.memory)} over max_memory_restart ${formatMegabytes(input.limit)}`,
  };
}

/** "312 MB" (1 MB = 1024 * 1024 bytes, as in the "300M" config values); small values in KB. */
export function formatMegabytes(bytes: number): string {
  const mb = bytes / 1024 ** 2;
  if (mb >= 10) return `${Math.round(mb)} MB`;
  if (mb >= 1) return `${mb.toFixed(1)} MB`;
  return `${Math.round(bytes / 1024)} KB`;
}
