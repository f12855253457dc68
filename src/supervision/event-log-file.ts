// A process's own event log (shoal.log, a primary's log): a few lines a second, each appended at once so
// it survives a crash, rotated by rename like the apps' logs. Each append opens the path afresh, so an
// outside rotation (logrotate's "create" mode) is followed without being told.
import { appendFileSync, renameSync, statSync } from 'node:fs';
import type { LogRotation } from '../protocol/log-rotation.js';
import { type CronTimer, cronTimer } from './cron-timer.js';
import { afterRotation, rotatedPath } from './rotated-files.js';

const sizeOf = (path: string) => {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
};

export class EventLogFile {
  private size: number;
  private cron: CronTimer | null = null;

  constructor(
    readonly path: string,
    private readonly rotation: LogRotation,
  ) {
    this.size = sizeOf(path);
    if (rotation.interval !== null)
      this.cron = cronTimer(rotation.interval, () => {
        if (sizeOf(this.path) > 0) this.rotate();
      });
  }

  /** Throws when the line cannot be written (the caller decides where else to say it). */
  append(line: string): void {
    const max = this.rotation.max_size;
    const bytes = Buffer.byteLength(line);
    if (max > 0 && this.size + bytes > max && this.size > 0) {
      // The count may be stale (flushed, or copytruncated from outside): ask the file first.
      this.size = sizeOf(this.path);
      if (this.size + bytes > max && this.size > 0) this.rotate();
    }
    appendFileSync(this.path, line, { mode: 0o600 });
    this.size += bytes;
  }

  /** Forgets what it knew of the file (after an outside rotation). */
  reopen(): void {
    this.size = sizeOf(this.path);
  }

  stop(): void {
    this.cron?.stop();
  }

  private rotate(): void {
    const to = rotatedPath(this.path, new Date());
    try {
      renameSync(this.path, to);
    } catch {
      return; // not there, or not ours to move: keep appending
    }
    this.size = 0;
    // Failures are retried at the next rotation; there is no better place to report them than this log.
    void afterRotation(this.path, to, this.rotation, () => {});
  }
}
