// One log file as Shoal writes it: whole lines only, in order, rotated by rename and reopen (never by
// copying and truncating, which loses what is written in between), and never blocking the app. When the
// disk is slow, sources are paused (their pipes fill, the app waits); when a write fails (disk full, I/O
// error), lines are dropped and counted instead, so the app and the daemon's memory never grow, and
// writing resumes by itself once a retry succeeds.
import { openLogFileSync } from './log-open.js';
import { closeSync, fstatSync, ftruncateSync, renameSync, write } from 'node:fs';
import type { Readable } from 'node:stream';
import type { LogRotation } from '../protocol/log-rotation.js';
import { type CronTimer, cronTimer } from './cron-timer.js';
import { countLines, fitBatch, LogQueue, type LogSource, NEWLINE } from './log-queue.js';
import { afterRotation, rotatedPath } from './rotated-files.js';
import { AttributionWriter } from './log-attribution-writer.js';

/** Sources are paused once this much waits to be written. */
const HIGH_WATER = 1024 * 1024;
/** One write(2) takes at most this much. */
const MAX_BATCH = 256 * 1024;
/** While writes fail, one is tried again after this long. */
const RETRY_MS = 1000;
/** Errors that mean "no room": the file itself is still fine, so it is not reopened for a retry. */
const NO_SPACE = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

/** What a log file reports to its owner's own log (shoal.log, a primary's log). */
export interface LogFileEvents {
  writeFailed(path: string, reason: string): void;
  writeResumed(path: string, droppedLines: number): void;
  rotated(path: string, to: string): void;
  housekeepingFailed(path: string, message: string): void;
}

export class LogFile {
  readonly path: string;
  private fd: number;
  /** Bytes in the file as far as this writer knows, and where its last whole line ends. */
  private size: number;
  private boundary: number;
  private readonly queue = new LogQueue();
  private writing = false;
  private ops: Array<() => void> = [];
  private idleWaiters: Array<() => void> = [];
  private readonly paused = new Set<Readable>();
  private failure: { reason: string; code: string; retryAt: number; dropped: number } | null = null;
  private cron: CronTimer | null = null;
  private rotateRetryAt = 0;
  private users = 0;
  private isClosed = false;
  private readonly who: AttributionWriter; // which instance wrote what, once several write the file

  /** Opens (creates) the file at once, so a file that cannot be opened is an error of the start. */
  constructor(
    path: string,
    private rotation: LogRotation,
    private readonly events: LogFileEvents,
  ) {
    this.path = path;
    this.fd = openLogFileSync(path);
    this.size = fstatSync(this.fd).size;
    this.boundary = this.size;
    this.who = new AttributionWriter(path, (m) => events.housekeepingFailed(path, m));
    this.who.reset(this.fd);
    this.schedule();
  }

  retain(): void {
    this.users += 1;
  }

  /** True once every user has released the file. */
  get closed(): boolean {
    return this.users <= 0;
  }

  /** Applies new rotation settings (restart with a new config). */
  configure(rotation: LogRotation): void {
    this.rotation = rotation;
    this.schedule();
  }

  write(data: string, source: LogSource): void {
    if (this.isClosed) return;
    const buf = Buffer.from(data, 'utf8');
    const f = this.failure;
    // While writes fail, lines are counted and dropped; the first chunk after the retry delay is the retry.
    if (f && (Date.now() < f.retryAt || this.writing)) {
      const lines = countLines(buf);
      f.dropped += lines;
      source.dropped(lines, f.reason);
      return;
    }
    this.queue.push(buf, source);
    if (this.queue.bytes > HIGH_WATER && source.readable && !this.paused.has(source.readable)) {
      source.readable.pause();
      this.paused.add(source.readable);
    }
    this.pump();
  }

  /** Moves the file aside now (rotate interval); an empty file is left alone. */
  rotateNow(): Promise<void> {
    return this.between(() => {
      if (this.currentSize() > 0) this.rotate();
    });
  }

  /** Opens the path again: after an outside tool (logrotate "create") moved the file away. */
  reopen(): Promise<void> {
    return this.between(() => this.openAgain());
  }

  /** Empties the file being written (flush): the open file itself, wherever it was moved. */
  truncate(): Promise<void> {
    return this.between(() => {
      ftruncateSync(this.fd, 0);
      this.size = 0;
      this.boundary = 0;
      this.who.reset(this.fd);
    });
  }

  /** Drops one user; the file is closed once nobody writes to it. Resolves once data is written. */
  release(): Promise<void> {
    this.users -= 1;
    if (this.users > 0) return Promise.resolve();
    return this.close();
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    await this.idle();
    if (this.isClosed) return;
    this.isClosed = true;
    this.cron?.stop();
    this.resumeSources();
    this.who.close(); // kept on disk: a stopped app's lines are still read
    try {
      closeSync(this.fd);
    } catch {
      // already gone
    }
  }

  /** Resolves once everything queued so far is written (or dropped). */
  idle(): Promise<void> {
    if (!this.writing && this.queue.empty && this.ops.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Runs op between two writes, never in the middle of one. */
  private between(op: () => void): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.ops.push(() => {
        try {
          op();
          resolve();
        } catch (err) {
          reject(err);
        }
      });
      this.pump();
    });
  }

  private schedule(): void {
    this.cron?.stop();
    this.cron = null;
    const pattern = this.rotation.interval;
    if (pattern === null) return;
    this.cron = cronTimer(pattern, () => void this.rotateNow());
  }

  private pump(): void {
    if (this.writing) return;
    for (const op of this.ops.splice(0)) op();
    const batch = this.nextBatch();
    if (batch === null) {
      this.resumeSources();
      for (const w of this.idleWaiters.splice(0)) w();
      return;
    }
    this.writing = true;
    write(this.fd, batch, 0, batch.length, null, (err, written) => {
      this.writing = false;
      if (err) this.failed(err);
      else this.wrote(batch, written);
      this.pump();
    });
  }

  /** The next bytes to write: whole lines that fit under max_size (rotating first when none fit). */
  private nextBatch(): Buffer | null {
    if (this.queue.empty) return null;
    const batch = this.queue.peek(MAX_BATCH);
    const max = this.rotation.max_size;
    let fit = fitBatch(batch, this.size, max);
    if (fit !== batch.length) {
      // Our count may be stale (an outside copytruncate): ask the file before cutting or rotating.
      this.size = this.currentSize();
      this.boundary = Math.min(this.boundary, this.size);
      fit = fitBatch(batch, this.size, max);
    }
    if (fit === 'rotate') return this.rotate() ? this.nextBatch() : batch;
    return batch.subarray(0, fit);
  }

  private wrote(batch: Buffer, written: number): void {
    const before = this.size;
    this.size += written;
    const last = written > 0 ? batch.lastIndexOf(NEWLINE, written - 1) : -1;
    if (last >= 0) this.boundary = before + last + 1;
    if (written > 0) this.who.wrote(this.fd, written, this.queue.runs(written), this.users > 1);
    this.queue.consume(written);
    const f = this.failure;
    // A short write (the disk filling up) is not a recovery yet: the rest of the batch goes next.
    if (f && written === batch.length) {
      this.failure = null;
      this.events.writeResumed(this.path, f.dropped);
    }
  }

  /** A write failed: drop what waits (counted per source), take back a half-written line, retry later. */
  private failed(err: NodeJS.ErrnoException): void {
    const code = err.code ?? 'EIO';
    const reason = `${code}: ${err.message.replace(/^[A-Z]+: /, '')}`;
    const first = this.failure === null;
    this.failure = { reason, code, retryAt: Date.now() + RETRY_MS, dropped: this.failure?.dropped ?? 0 };
    if (this.size !== this.boundary) {
      try {
        ftruncateSync(this.fd, this.boundary);
        this.size = this.boundary;
      } catch {
        // nothing more can be done for a broken file
      }
    }
    this.failure.dropped += this.queue.dropAll(reason);
    this.resumeSources();
    if (first) this.events.writeFailed(this.path, reason);
    // Anything but "no room" may be a broken descriptor: reopen before the retry.
    if (!NO_SPACE.has(code)) {
      try {
        this.openAgain();
      } catch {
        // the retry will fail again and say so
      }
    }
  }

  /** Renames the file aside and opens a new one; false (and the file kept) when it cannot. */
  private rotate(): boolean {
    if (Date.now() < this.rotateRetryAt) return false;
    const to = rotatedPath(this.path, new Date());
    try {
      try {
        renameSync(this.path, to);
      } catch (err) {
        // Moved or removed from outside: there is nothing to rotate, only a path to open again.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        this.openAgain();
        return true;
      }
      // Should the new file fail to open, writing goes on into the renamed one: nothing is lost.
      this.openAgain();
    } catch (err) {
      this.rotateRetryAt = Date.now() + RETRY_MS;
      this.events.housekeepingFailed(this.path, `cannot rotate: ${(err as Error).message}`);
      return false;
    }
    this.events.rotated(this.path, to);
    void afterRotation(this.path, to, this.rotation, (m) => this.events.housekeepingFailed(to, m));
    return true;
  }

  private openAgain(): void {
    const fd = openLogFileSync(this.path);
    const old = this.fd;
    this.fd = fd;
    this.size = fstatSync(fd).size;
    this.boundary = this.size;
    this.who.reopened(fd);
    try {
      closeSync(old);
    } catch {
      // already closed
    }
  }

  private currentSize(): number {
    try {
      return fstatSync(this.fd).size;
    } catch {
      return this.size;
    }
  }

  private resumeSources(): void {
    for (const r of this.paused) r.resume();
    this.paused.clear();
  }
}
