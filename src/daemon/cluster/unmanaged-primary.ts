// A primary this daemon found running but cannot work with (it answers only errors, never answers, or its
// spec is of another Shoal version). It is left serving; the daemon remembers it by pid and kernel start
// time, says what to do, and stops it (SIGTERM, so its workers drain) when the user deletes the app.
import type { PrimarySpec } from '../../protocol/primary-spec.js';
import { isAlive, processStartTime, signalAll } from '../../supervision/process-tree.js';

/** The primary's pid from its spec, if that process still is the one the spec names. */
export function verifiedPrimaryPid(spec: PrimarySpec): number | null {
  const p = spec.primary;
  return p && processStartTime(p.pid) === p.start_time ? p.pid : null;
}

export class UnmanagedPrimary {
  readonly message: string;
  private readonly startTime: string | null;

  constructor(
    app: string,
    why: string,
    readonly pid: number | null,
    socket: string,
  ) {
    const who = pid === null ? 'Its primary' : `Its primary (pid ${pid})`;
    const find = pid === null ? `; find its pid with "fuser ${socket}"` : '';
    this.message = `${who} runs but cannot be managed by this daemon: ${why}. It is left serving as it is. To replace it, run "shoal delete ${app}" (which stops it${find}), then start the app again.`;
    this.startTime = pid === null ? null : processStartTime(pid);
  }

  /** SIGTERM, and only to the process it was: a pid reused since is left alone. */
  stop(): void {
    if (this.pid !== null && isAlive(this.pid) && processStartTime(this.pid) === this.startTime)
      signalAll([this.pid], 'SIGTERM');
  }
}
