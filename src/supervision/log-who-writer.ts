// Keeps the index of who wrote what in a merged log file (format in log-who-format.ts). It is a help for
// `shoal logs`, never a condition of logging: when the index cannot be written, attribution stops and
// lines go on being written as before.
import { closeSync, ftruncateSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { openLogFileSync } from './log-open.js';
import { encodeRecords, type WhoRecord, whoPath } from './log-who-format.js';

/** Past this size the index is cut down to its last KEEP_BYTES (the lines `logs` shows are the last ones). */
const MAX_BYTES = 1024 * 1024;
const KEEP_BYTES = 64 * 1024;

export class LogWhoWriter {
  private readonly path: string;
  private fd: number | null = null;
  private size = 0;
  private broken = false;

  constructor(logPath: string) {
    this.path = whoPath(logPath);
  }

  /**
   * Records runs of lines; `start` is where the first run begins in the log file, read from the file
   * (it is opened O_APPEND: an outside copytruncate moves where the bytes go).
   */
  append(start: number, runs: ReadonlyArray<{ instance: number | undefined; bytes: number }>): void {
    if (this.broken) return;
    const records: WhoRecord[] = [];
    let at = start;
    for (const run of runs) {
      const end = at + run.bytes;
      const last = records[records.length - 1];
      if (run.instance !== undefined) {
        if (last && last.instance === run.instance && last.end === at) last.end = end;
        else records.push({ start: at, end, instance: run.instance });
      }
      at = end;
    }
    if (records.length === 0) return;
    try {
      if (this.fd === null) this.open();
      const text = encodeRecords(records);
      this.size += writeSync(this.fd!, text);
      if (this.size > MAX_BYTES) this.compact();
    } catch {
      this.broken = true;
      this.close();
    }
  }

  /** The log file starts over empty (rotation, reopen of a new file, flush): so does its index. */
  reset(): void {
    if (this.fd === null) return;
    try {
      ftruncateSync(this.fd, 0);
      this.size = 0;
    } catch {
      this.broken = true;
      this.close();
    }
  }

  close(): void {
    if (this.fd === null) return;
    try {
      closeSync(this.fd);
    } catch {
      // already gone
    }
    this.fd = null;
  }

  private open(): void {
    this.fd = openLogFileSync(this.path);
    // An index left by an earlier writer may describe a file that has changed since: start afresh.
    ftruncateSync(this.fd, 0);
    this.size = 0;
  }

  /** Keeps the last records, through a rename so a reader never sees a half-written index. */
  private compact(): void {
    const text = readFileSync(this.path, 'latin1').slice(-KEEP_BYTES);
    const tail = text.slice(text.indexOf('\n') + 1);
    const tmp = `${this.path}.tmp`;
    rmSync(tmp, { force: true });
    const fd = openLogFileSync(tmp);
    try {
      writeSync(fd, tail, null, 'latin1');
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
    this.close();
    this.fd = openLogFileSync(this.path);
    this.size = Buffer.byteLength(tail, 'latin1');
  }
}
