// Log files shared by the processes of one app: opened once per path, closed when the last user leaves.
// The owner (the daemon for fork apps, a primary for its workers) reopens and empties them through here.
import { dirname } from 'node:path';
import { mkdirPrivateSync } from './log-open.js';
import type { LogRotation } from '../protocol/log-rotation.js';
import { LogFile, type LogFileEvents } from './log-file.js';

export class LogFileRegistry {
  private readonly files = new Map<string, LogFile>();

  constructor(private readonly events: LogFileEvents) {}

  /** Opens (or shares) the file; throws the open error (EACCES, EISDIR) for the caller to report. */
  open(path: string | null, rotation: LogRotation): LogFile | null {
    if (path === null) return null;
    let file = this.files.get(path);
    if (!file) {
      mkdirPrivateSync(dirname(path));
      file = new LogFile(path, rotation, this.events);
      this.files.set(path, file);
    } else file.configure(rotation);
    file.retain();
    return file;
  }

  async release(path: string | null): Promise<void> {
    const file = path === null ? undefined : this.files.get(path);
    if (!file || path === null) return;
    await file.release();
    if (file.closed) this.files.delete(path);
  }

  /** New rotation settings for every open file (a restart with a new config). */
  configureAll(rotation: LogRotation): void {
    for (const f of this.files.values()) f.configure(rotation);
  }

  /** Every open file opens its path again (after logrotate moved the files away); returns the paths. */
  async reopenAll(): Promise<string[]> {
    await Promise.all([...this.files.values()].map((f) => f.reopen()));
    return [...this.files.keys()];
  }

  /** Empties the given open files (all when omitted); returns the paths it emptied. */
  async truncate(paths?: ReadonlySet<string>): Promise<string[]> {
    const chosen = [...this.files.entries()].filter(([p]) => !paths || paths.has(p));
    await Promise.all(chosen.map(([, f]) => f.truncate()));
    return chosen.map(([p]) => p);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.files.values()].map((f) => f.close()));
    this.files.clear();
  }
}

/** Log-file events as lines of the owner's own log (shoal.log, or a primary's log). */
export function eventsLoggedBy(log: (event: string, fields: Record<string, unknown>) => void): LogFileEvents {
  return {
    writeFailed: (file, reason) =>
      log('log.write_failed', { file, reason, note: 'dropping lines until writes succeed' }),
    writeResumed: (file, dropped) => log('log.write_resumed', { file, dropped_lines: dropped }),
    rotated: (file, to) => log('log.rotated', { file, to }),
    housekeepingFailed: (file, message) => log('log.housekeeping_failed', { file, message }),
  };
}
