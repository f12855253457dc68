// What waits to be written to one log file, chunk by chunk with its source, and where a batch may be cut
// so that a file never passes its size limit by more than one line. Pure: no file, no timer.
import type { Readable } from 'node:stream';

export const NEWLINE = 0x0a;

/** Who wrote a chunk: its pipe (paused under backpressure) and where dropped lines are counted. */
export interface LogSource {
  readable: Readable | null;
  dropped(lines: number, reason: string): void;
  /** The instance whose lines these are, when there is one to name in a merged file. */
  instance?: number | null;
}

/** A run of bytes from one instance, ending `end` bytes from the front of the queue. */
export interface Run {
  end: number;
  instance: number | null;
}

interface Chunk {
  buf: Buffer;
  offset: number;
  source: LogSource;
}

export function countLines(buf: Buffer, from = 0): number {
  let n = 0;
  for (let i = buf.indexOf(NEWLINE, from); i !== -1; i = buf.indexOf(NEWLINE, i + 1)) n++;
  return n;
}

export class LogQueue {
  private chunks: Chunk[] = [];
  /** Bytes waiting. */
  bytes = 0;

  get empty(): boolean {
    return this.chunks.length === 0;
  }

  push(buf: Buffer, source: LogSource): void {
    this.chunks.push({ buf, offset: 0, source });
    this.bytes += buf.length;
  }

  /** Up to about `limit` bytes from the front, as one buffer (copied only when it spans chunks). */
  peek(limit: number): Buffer {
    const parts: Buffer[] = [];
    let total = 0;
    for (const c of this.chunks) {
      const rest = c.buf.subarray(c.offset);
      parts.push(rest);
      total += rest.length;
      if (total >= limit) break;
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, total);
  }

  /** Who wrote the first `count` bytes, as runs of one instance each (call before consume). */
  runs(count: number): Run[] {
    const out: Run[] = [];
    let pos = 0;
    for (const c of this.chunks) {
      if (pos >= count) break;
      pos += Math.min(count - pos, c.buf.length - c.offset);
      const instance = c.source.instance ?? null;
      const last = out[out.length - 1];
      if (last && last.instance === instance) last.end = pos;
      else out.push({ end: pos, instance });
    }
    return out;
  }

  /** Removes `count` written bytes from the front. */
  consume(count: number): void {
    let left = count;
    while (left > 0 && this.chunks.length > 0) {
      const c = this.chunks[0]!;
      const take = Math.min(left, c.buf.length - c.offset);
      c.offset += take;
      left -= take;
      this.bytes -= take;
      if (c.offset >= c.buf.length) this.chunks.shift();
    }
  }

  /** Empties the queue, telling each source how many of its lines were lost; returns the total. */
  dropAll(reason: string): number {
    let total = 0;
    for (const c of this.chunks.splice(0)) {
      // A chunk cut in the middle of a line still loses that line.
      const lines = countLines(c.buf, c.offset) || (c.offset < c.buf.length ? 1 : 0);
      total += lines;
      c.source.dropped(lines, reason);
    }
    this.bytes = 0;
    return total;
  }
}

/**
 * How much of `batch` to write into a file of `size` bytes limited to `max` (0 = no limit): whole lines
 * that fit; 'rotate' when none fits and the file is not empty; a line longer than the limit on its own
 * in an empty file (split it never).
 */
export function fitBatch(batch: Buffer, size: number, max: number): number | 'rotate' {
  if (max <= 0 || size + batch.length <= max) return batch.length;
  const room = max - size;
  const cut = room > 0 ? batch.lastIndexOf(NEWLINE, room - 1) : -1;
  if (cut >= 0) return cut + 1;
  if (size > 0) return 'rotate';
  const end = batch.indexOf(NEWLINE);
  return end >= 0 ? end + 1 : batch.length;
}
