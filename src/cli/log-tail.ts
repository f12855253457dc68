// Reading log files from the CLI: the last N lines, then new lines as they are appended. The daemon is
// not in this path: `shoal logs` reads the files, so streaming costs the daemon nothing. Each line comes
// with the byte offset where it ends and the file's id (device and inode), which is what a merged file's
// attribution index is looked up by (protocol/log-attribution.ts).
import { closeSync, fstatSync, openSync, readSync, statSync, watch, type FSWatcher } from 'node:fs';
import { fileIdOf } from '../protocol/log-attribution.js';

const NEWLINE = 0x0a;

export interface TailLine {
  text: string;
  /** Offset in the file just past the line's newline (the file's size for a last line without one). */
  end: number;
}

export interface Tail {
  lines: TailLine[];
  /** The file read (device:inode), or null when it could not be opened. */
  fileId: string | null;
}

/** The last `count` lines of a file, read from its end. */
export function tailLines(path: string, count: number): Tail {
  if (count <= 0) return { lines: [], fileId: null };
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return { lines: [], fileId: null };
  }
  try {
    const st = fstatSync(fd);
    const chunk = 64 * 1024;
    let pos = st.size;
    let buf = Buffer.alloc(0);
    let newlines = 0;
    while (pos > 0 && newlines <= count) {
      const len = Math.min(chunk, pos);
      pos -= len;
      const part = Buffer.alloc(len);
      readSync(fd, part, 0, len, pos);
      for (let i = part.indexOf(NEWLINE); i !== -1; i = part.indexOf(NEWLINE, i + 1)) newlines++;
      buf = Buffer.concat([part, buf]);
    }
    const lines = splitLines(buf, pos, true);
    // Unless the read went back to the start of the file, its first line may be cut.
    if (pos > 0 && lines.length > count) lines.shift();
    return { lines: lines.slice(-count), fileId: fileIdOf(st) };
  } finally {
    closeSync(fd);
  }
}

/** The last `count` lines of a file, as text. */
export function lastLines(path: string, count: number): string[] {
  return tailLines(path, count).lines.map((l) => l.text);
}

/** The lines of buf, which starts at offset `at` of the file; with `all`, a last line without newline too. */
function splitLines(buf: Buffer, at: number, all: boolean): TailLine[] {
  const lines: TailLine[] = [];
  let start = 0;
  for (let i = buf.indexOf(NEWLINE); i !== -1; i = buf.indexOf(NEWLINE, start)) {
    lines.push({ text: buf.toString('utf8', start, i), end: at + i + 1 });
    start = i + 1;
  }
  if (all && start < buf.length) lines.push({ text: buf.toString('utf8', start), end: at + buf.length });
  return lines;
}

/**
 * Calls onLines with the lines appended to path from now on, the id of the file they were read from, and
 * whether they are the first since reading started over at the file's start; returns a function that stops.
 */
export function followLines(
  path: string,
  onLines: (lines: TailLine[], fileId: string, restarted: boolean) => void,
): () => void {
  let offset = 0;
  let fileId: string | null = null;
  try {
    const st = statSync(path);
    offset = st.size;
    fileId = fileIdOf(st);
  } catch {
    offset = 0;
  }
  let partial = Buffer.alloc(0);
  let restarted = false;
  const readNew = () => {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return;
    }
    try {
      const st = fstatSync(fd);
      const id = fileIdOf(st);
      // Another file at the path (rotated, or moved and created again), or this one emptied: start over.
      if (id !== fileId || st.size < offset) {
        fileId = id;
        offset = 0;
        partial = Buffer.alloc(0);
        restarted = true;
      }
      if (st.size === offset) return;
      const buf = Buffer.alloc(st.size - offset);
      const n = readSync(fd, buf, 0, buf.length, offset);
      const text = Buffer.concat([partial, buf.subarray(0, n)]);
      const at = offset - partial.length;
      offset += n;
      const lines = splitLines(text, at, false);
      const used = lines.length === 0 ? 0 : lines[lines.length - 1]!.end - at;
      partial = Buffer.from(text.subarray(used));
      if (lines.length > 0) {
        onLines(lines, id, restarted);
        restarted = false;
      }
    } finally {
      closeSync(fd);
    }
  };
  let watcher: FSWatcher | null = null;
  try {
    watcher = watch(path, () => readNew());
  } catch {
    watcher = null; // file not there yet: the poll below picks it up
  }
  // fs.watch misses events on some filesystems; a slow poll is the safety net.
  const timer = setInterval(readNew, 500);
  return () => {
    watcher?.close();
    clearInterval(timer);
  };
}

/** Calls onLine for every line appended to path from now on; returns a function that stops following. */
export function follow(path: string, onLine: (line: string) => void): () => void {
  return followLines(path, (lines) => {
    for (const l of lines) onLine(l.text);
  });
}
