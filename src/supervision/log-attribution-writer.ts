// Keeps the attribution index beside one log file (format in protocol/log-attribution.ts) once more than
// one instance writes it: after each write, the log file says which instances the written bytes came
// from, and a record per run goes into the index. It only helps readers: any failure here stops the
// attribution (lines are then printed as `<app> | `) and never touches the log writing itself.
import {
  closeSync,
  constants,
  fstatSync,
  ftruncateSync,
  openSync,
  readSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { attributionPath, fileIdOf, headerLine, recordLine } from '../protocol/log-attribution.js';
import { openLogFileSync } from './log-open.js';
import type { Run } from './log-queue.js';

/** Past maxBytes the index is rewritten with only its last keepBytes of records. */
const LIMITS = { maxBytes: 1024 * 1024, keepBytes: 64 * 1024 };

export class AttributionWriter {
  readonly path: string;
  private fd: number | null = null;
  private fileId = '';
  /** The file at the last reset (device:inode). */
  private opened = '';
  private bytes = 0;
  private stopped = false;
  /** While no index is kept: where the file stood at the last reset, and the one instance since then. */
  private from = 0;
  private sole: number | null | undefined = undefined;

  constructor(
    logPath: string,
    private readonly failed: (message: string) => void,
    private readonly limits = LIMITS,
  ) {
    this.path = attributionPath(logPath);
  }

  /** The log file was opened, rotated or emptied: the old index is void. */
  reset(logFd: number): void {
    this.close();
    try {
      unlinkSync(this.path);
    } catch {
      // none yet, or not ours to remove: a new one replaces it by rename when it is written
    }
    const st = fstatSync(logFd);
    this.opened = fileIdOf(st);
    this.stopped = false;
    this.from = st.size;
    this.sole = undefined;
  }

  /** The path was opened again (reloadLogs, a retry): the index goes on if it is still the same file. */
  reopened(logFd: number): void {
    if (fileIdOf(fstatSync(logFd)) !== this.opened) this.reset(logFd);
  }

  /**
   * After a write of `written` bytes to logFd, from the given runs. `shared` says the file has more than
   * one user, so its lines will need naming even while only one instance has written yet.
   */
  wrote(logFd: number, written: number, runs: Run[], shared: boolean): void {
    if (this.stopped || runs.length === 0) return;
    try {
      let end: number;
      if (this.fd === null) {
        const one = runs[0]!.instance;
        const mixed = runs.length > 1 || (this.sole !== undefined && this.sole !== one);
        if (!mixed && (!shared || one === null)) {
          this.sole = one;
          return;
        }
        const st = fstatSync(logFd);
        end = st.size;
        this.start(fileIdOf(st), end - written);
      } else end = fstatSync(logFd).size;
      // O_APPEND and an outside copytruncate: the file's size, not a count of our own, says where we are.
      const start = end - written;
      let text = '';
      for (const r of runs) text += recordLine(start + r.end, r.instance);
      this.append(text);
      if (this.bytes > this.limits.maxBytes) this.compact();
    } catch (err) {
      this.stop(err);
    }
  }

  close(): void {
    if (this.fd === null) return;
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    this.fd = null;
  }

  /** Begins the index: what was there before the reset is not known, what came since is the sole writer's. */
  private start(fileId: string, writeStart: number): void {
    this.fileId = fileId;
    let text = headerLine(fileId);
    if (this.from > 0) text += recordLine(this.from, null);
    if (this.sole !== undefined && writeStart > this.from) text += recordLine(writeStart, this.sole);
    this.replaceWith(text);
  }

  private append(text: string): void {
    const buf = Buffer.from(text, 'latin1');
    writeSync(this.fd!, buf);
    this.bytes += buf.length;
  }

  /** Rewrites the index with its last records only; before them, the writer is no longer known. */
  private compact(): void {
    const fd = openSync(this.path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
    let tail: string;
    try {
      const size = fstatSync(fd).size;
      const len = Math.min(size, this.limits.keepBytes);
      const buf = Buffer.alloc(len);
      readSync(fd, buf, 0, len, size - len);
      tail = buf.toString('latin1');
    } finally {
      closeSync(fd);
    }
    const lines = tail.split('\n');
    lines.pop(); // the '' after the last newline
    lines.shift(); // cut by the window
    const first = lines.shift();
    if (first === undefined) return;
    const bound = Number(first.split(' ')[0]);
    this.replaceWith(
      `${headerLine(this.fileId)}${recordLine(bound, null)}${lines.map((l) => `${l}\n`).join('')}`,
    );
  }

  /** Writes a whole new index beside the old one and renames it into place, so a reader never sees half. */
  private replaceWith(text: string): void {
    const tmp = `${this.path}.tmp`;
    const fd = openLogFileSync(tmp);
    try {
      ftruncateSync(fd, 0);
      const buf = Buffer.from(text, 'latin1');
      writeSync(fd, buf);
      renameSync(tmp, this.path);
      this.close();
      this.fd = fd;
      this.bytes = buf.length;
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  private stop(err: unknown): void {
    this.stopped = true;
    this.close();
    this.failed(`attribution index ${this.path} stopped: ${(err as Error).message}`);
  }
}
