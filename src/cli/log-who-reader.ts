// Reads the index a merged log file keeps of who wrote which lines (supervision/log-who-format.ts), so
// `shoal logs` can print `<instance>|<app>` for lines of a file several workers share. Read as it grows:
// only the bytes added since the last look are parsed.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import {
  currentRun,
  instanceAt,
  parseRecords,
  type WhoRecord,
  whoPath,
} from '../supervision/log-who-format.js';

/** Records kept in memory while following; far more than the lines one screen shows. */
const MAX_RECORDS = 100_000;

export class WhoIndex {
  private readonly path: string;
  private records: WhoRecord[] = [];
  private read = 0;
  private partial = '';

  constructor(logPath: string) {
    this.path = whoPath(logPath);
  }

  /** The instance that wrote the line ending at `end`, looking at the index again when it is behind. */
  instanceAt(end: number): number | null {
    const last = this.records[this.records.length - 1];
    if (!last || last.end < end) this.refresh();
    return instanceAt(this.records, end);
  }

  /** True when the index covers the file up to `end` (its record may trail the line by a moment). */
  covers(end: number): boolean {
    const last = this.records[this.records.length - 1];
    return last !== undefined && last.end >= end;
  }

  /** Forgets what was read: the log file was emptied, and its index with it. */
  restart(): void {
    this.read = 0;
    this.partial = '';
    this.records = [];
  }

  refresh(): void {
    let size: number;
    try {
      size = statSync(this.path).size;
    } catch {
      return; // no index: the file has one writer, or attribution is off
    }
    // Cut down or started over (rotation, flush): read it again from its start.
    if (size < this.read) this.restart();
    if (size === this.read) return;
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch {
      return;
    }
    try {
      const buf = Buffer.alloc(size - this.read);
      const n = readSync(fd, buf, 0, buf.length, this.read);
      this.read += n;
      const text = this.partial + buf.subarray(0, n).toString('latin1');
      const cut = text.lastIndexOf('\n') + 1;
      this.partial = text.slice(cut);
      const run = currentRun([...this.records, ...parseRecords(text.slice(0, cut))]);
      this.records = run.length > MAX_RECORDS ? run.slice(-MAX_RECORDS) : run;
    } finally {
      closeSync(fd);
    }
  }
}
