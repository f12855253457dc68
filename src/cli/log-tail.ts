// Reading log files from the CLI: the last N lines, then new lines as they are appended. The daemon is
// not in this path: `shoal logs` reads the files, so streaming costs the daemon nothing.
import { closeSync, openSync, readSync, statSync, watch, type FSWatcher } from 'node:fs';

export function lastLines(path: string, count: number): string[] {
  return lastLinesAt(path, count).map((l) => l.text);
}

/** A line of a log file and the byte offset just past its end (where the next line begins). */
export interface LineAt {
  text: string;
  end: number;
}

export function lastLinesAt(path: string, count: number): LineAt[] {
  if (count <= 0) return [];
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return [];
  }
  try {
    const size = statSync(path).size;
    const chunk = 64 * 1024;
    let pos = size;
    let text = '';
    while (pos > 0) {
      const len = Math.min(chunk, pos);
      pos -= len;
      const buf = Buffer.alloc(len);
      readSync(fd, buf, 0, len, pos);
      text = buf.toString('utf8') + text;
      if (text.split('\n').length > count + 1) break;
    }
    const lines = text.split('\n');
    const complete = lines[lines.length - 1] === '';
    if (complete) lines.pop();
    const kept = lines.slice(-count);
    // Walk back from the end of the file: each line ends where the one after it begins.
    let end = size;
    const out: LineAt[] = new Array(kept.length);
    for (let i = kept.length - 1; i >= 0; i--) {
      out[i] = { text: kept[i]!, end };
      end -= Buffer.byteLength(kept[i]!) + (i === kept.length - 1 && !complete ? 0 : 1);
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

/** Calls onLine for every line appended to path from now on; returns a function that stops following. */
export function follow(path: string, onLine: (line: string, end: number) => void): () => void {
  let offset = 0;
  try {
    offset = statSync(path).size;
  } catch {
    offset = 0;
  }
  let partial = '';
  const readNew = () => {
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      return;
    }
    if (size < offset) {
      offset = 0; // truncated by flush or rotation: start over
      partial = '';
    }
    if (size === offset) return;
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.alloc(size - offset);
      readSync(fd, buf, 0, buf.length, offset);
      let end = offset - Buffer.byteLength(partial);
      offset = size;
      const lines = (partial + buf.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) {
        end += Buffer.byteLength(l) + 1;
        onLine(l, end);
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
