// The attribution index kept beside a merged log file that several instances write: which instance wrote
// each run of the file's bytes, so `shoal logs` can prefix every line with its writer while the log file
// itself stays raw (users ship it; PM2's merged files are raw too). The writer is supervision/
// log-attribution-writer.ts; the readers are the CLI and the dashboard, which read files, not the daemon.
//
// Text, one line each: a header naming the log file it describes by device and inode (`shoal-who 1
// <dev>:<ino>`), so an index is never applied to another file (a rotated one, one created in its place),
// then records `<endOffset> <instance>`: the bytes of the log file up to endOffset, from the end of the
// record before, were written by that instance (`-`: not known, e.g. lines there before Shoal opened the
// file). Offsets only grow; one that goes down means the file was emptied (an outside copytruncate), and
// only the records after the last such drop describe what the file now holds.
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const VERSION = 1;
const HEADER = /^shoal-who (\d+) (\d+:\d+)$/;
const RECORD = /^(\d+) (\d+|-)$/;

/** Where the index of a log file lives: a hidden file beside it. */
export function attributionPath(logPath: string): string {
  return join(dirname(logPath), `.${basename(logPath)}.who`);
}

/** Which file an index describes: its device and inode. */
export function fileIdOf(st: { dev: number; ino: number }): string {
  return `${st.dev}:${st.ino}`;
}

export function headerLine(fileId: string): string {
  return `shoal-who ${VERSION} ${fileId}\n`;
}

export function recordLine(end: number, instance: number | null): string {
  return `${end} ${instance ?? '-'}\n`;
}

/** The records of the last monotonic run of an index, for looking up who wrote a line. */
export class AttributionIndex {
  fileId: string | null = null;
  private ends: number[] = [];
  private instances: Array<number | null> = [];
  private partial = '';
  private sawHeader = false;

  /** Takes more of the index's text (the whole of it, or what was appended since the last call). */
  add(text: string): void {
    const lines = (this.partial + text).split('\n');
    // A record being written as we read: kept for the next call.
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!this.sawHeader) {
        this.sawHeader = true;
        const h = HEADER.exec(line);
        if (h && Number(h[1]) === VERSION) this.fileId = h[2]!;
        continue;
      }
      const r = RECORD.exec(line);
      if (!r) continue;
      const end = Number(r[1]);
      // The file was emptied: what came before describes bytes that are gone.
      if (this.ends.length > 0 && end < this.ends[this.ends.length - 1]!) {
        this.ends = [];
        this.instances = [];
      }
      this.ends.push(end);
      this.instances.push(r[2] === '-' ? null : Number(r[2]));
    }
  }

  /** The last offset the index covers (0 when it has no records). */
  get covered(): number {
    return this.ends.length === 0 ? 0 : this.ends[this.ends.length - 1]!;
  }

  /**
   * Who wrote the line that ends at byte `lineEnd` (just past its newline): the record with the smallest
   * end at or past it. null when the index says it is not known, undefined when no record reaches it (yet).
   */
  instanceAt(lineEnd: number): number | null | undefined {
    const ends = this.ends;
    let lo = 0;
    let hi = ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ends[mid]! < lineEnd) lo = mid + 1;
      else hi = mid;
    }
    return lo < ends.length ? this.instances[lo] : undefined;
  }

  /** Forgets records that end before `offset` (a follower has printed the lines up to there). */
  dropBefore(offset: number): void {
    let n = 0;
    while (n < this.ends.length - 1 && this.ends[n]! < offset) n++;
    if (n === 0) return;
    this.ends.splice(0, n);
    this.instances.splice(0, n);
  }
}

const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

interface Opened {
  fd: number;
  ino: number;
  offset: number;
  index: AttributionIndex;
}

/**
 * Reads the index of one log file, as much as has been appended since the last read. It keeps the index
 * open, as `tail -F` does: when the writer replaces it (the file rotated, was emptied, or the index was
 * rewritten to stay small), the records of the lines read before are still in the one held, and a new
 * index is taken up once it describes the file the lines come from.
 */
export class AttributionReader {
  private held: Opened | null = null;

  constructor(readonly logPath: string) {}

  /** Opens the index now: call it before reading the log, so the lines read are in what it holds. */
  open(): void {
    this.held ??= this.openAt();
  }

  /**
   * Brings the index up to date for lines of the log file `fileId` ending up to `end`; false when there is
   * none for them. `restarted`: the lines come from the start of the file again (it was emptied, or another
   * file is at the path), so only the index now at the path can name them, never the one held.
   */
  refresh(fileId: string, end: number, restarted = false): boolean {
    const held = this.held;
    const heldOk = held !== null && this.readMore(held) && held.index.fileId === fileId;
    if (heldOk && this.pathIno() === held.ino) return true;
    // Replaced since (a flush, a rotation, a rewrite): the index held still has the records of the lines
    // read while it was current, which were written before it was replaced.
    if (heldOk && !restarted && held.index.covered >= end) return true;
    const fresh = this.openAt();
    if (fresh && fresh.index.fileId === fileId) {
      this.replace(fresh);
      return true;
    }
    // The file rotated away from the index at the path: the one held is still its own.
    if (heldOk && !restarted) {
      if (fresh) closeSync(fresh.fd);
      return true;
    }
    this.replace(fresh);
    return false;
  }

  /** Whether the index held is (still) the one at the path: lines read since it was opened are its own. */
  stable(): boolean {
    return (this.held?.ino ?? -1) === this.pathIno();
  }

  get current(): AttributionIndex {
    return this.held?.index ?? EMPTY;
  }

  close(): void {
    this.replace(null);
  }

  private replace(next: Opened | null): void {
    if (this.held && this.held !== next) closeSync(this.held.fd);
    this.held = next;
  }

  private openAt(): Opened | null {
    let fd: number;
    try {
      fd = openSync(attributionPath(this.logPath), constants.O_RDONLY | NOFOLLOW);
    } catch {
      return null;
    }
    const opened = { fd, ino: -1, offset: 0, index: new AttributionIndex() };
    try {
      opened.ino = fstatSync(fd).ino;
    } catch {
      closeSync(fd);
      return null;
    }
    if (this.readMore(opened)) return opened;
    closeSync(fd);
    return null;
  }

  /** Reads what was appended to an open index; false when it cannot be read (it is not a file). */
  private readMore(o: Opened): boolean {
    try {
      const size = fstatSync(o.fd).size;
      if (size < o.offset) return false; // emptied in place: not something the writer does
      if (size === o.offset) return true;
      const buf = Buffer.alloc(size - o.offset);
      const n = readSync(o.fd, buf, 0, buf.length, o.offset);
      o.offset += n;
      o.index.add(buf.subarray(0, n).toString('latin1'));
      return true;
    } catch {
      return false;
    }
  }

  private pathIno(): number {
    try {
      return statSync(attributionPath(this.logPath)).ino;
    } catch {
      return -1;
    }
  }
}

const EMPTY = new AttributionIndex();
