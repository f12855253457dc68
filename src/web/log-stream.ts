// Server-Sent Events of an app's log lines for the dashboard: the last lines of each file, then new
// ones as the files grow. The files are tailed by polling (the daemon's log writers are not touched),
// and everything is bounded: bytes read per poll, line length, and what may queue for a slow client.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';

export interface TailedFile {
  app: string;
  stream: 'out' | 'err';
  path: string;
}

const POLL_MS = 500;
const HEARTBEAT_MS = 15_000;
/** Most bytes read from one file per poll; a burst beyond that is skipped and said so. */
const MAX_READ = 64 * 1024;
const MAX_LINE = 4096;
/** Lines are dropped while this much is still waiting to be sent to the client. */
const MAX_QUEUED = 1024 * 1024;

/** Starts streaming to res; returns a function that stops (also called when the client goes away). */
export function streamLogs(res: ServerResponse, files: TailedFile[], initialLines: number): () => void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write('retry: 2000\n\n');
  const send = (f: TailedFile, line: string) => {
    if (res.writableLength > MAX_QUEUED) return;
    const text = line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line;
    res.write(`data: ${JSON.stringify({ app: f.app, stream: f.stream, line: text })}\n\n`);
  };

  const tails = files.map((f) => {
    const { lines, size } = lastLines(f.path, initialLines);
    for (const l of lines) send(f, l);
    return { file: f, offset: size, partial: '' };
  });

  const poll = () => {
    for (const t of tails) {
      let size: number;
      try {
        size = statSync(t.file.path).size;
      } catch {
        continue; // not created yet, or removed
      }
      if (size < t.offset) {
        // truncated by flush or rotation: follow the new content from its start
        t.offset = 0;
        t.partial = '';
      }
      if (size === t.offset) continue;
      let from = t.offset;
      if (size - from > MAX_READ) {
        send(t.file, `[shoal: ${size - from - MAX_READ} bytes skipped]`);
        from = size - MAX_READ;
        t.partial = '';
      }
      const text = readRange(t.file.path, from, size - from);
      t.offset = size;
      const lines = (t.partial + text).split('\n');
      t.partial = (lines.pop() ?? '').slice(-MAX_LINE);
      for (const l of lines) send(t.file, l);
    }
  };
  const pollTimer = setInterval(poll, POLL_MS);
  const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    clearInterval(pollTimer);
    clearInterval(heartbeat);
    res.end();
  };
  res.on('close', stop);
  return stop;
}

function readRange(path: string, from: number, length: number): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return '';
  }
  try {
    const buf = Buffer.alloc(length);
    const n = readSync(fd, buf, 0, length, from);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** The last count lines of a file, reading at most MAX_READ bytes from its end, and the file's size. */
function lastLines(path: string, count: number): { lines: string[]; size: number } {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return { lines: [], size: 0 };
  }
  const from = Math.max(0, size - MAX_READ);
  const lines = readRange(path, from, size - from).split('\n');
  if (from > 0) lines.shift(); // the first line is cut
  if (lines[lines.length - 1] === '') lines.pop();
  return { lines: count > 0 ? lines.slice(-count) : [], size };
}
