// Newline-delimited JSON framing for stream sockets. Linear in what arrives: each chunk is searched for
// newlines once, never the whole buffer again. Bounded: a peer that sends a line longer than
// maxLineBytes is told so and its connection closed, rather than growing our memory without limit.
import type { Socket } from 'node:net';

export const MAX_LINE_BYTES = 8 * 1024 * 1024;

export type FrameHandler = (value: unknown) => void;
export type FrameErrorHandler = (err: Error) => void;

export class LineTooLongError extends Error {
  constructor(readonly limit: number) {
    super(`line longer than ${limit} bytes`);
  }
}

/** Calls onFrame for every complete JSON line; onError for a line that is not JSON (the stream goes on). */
export function readFrames(
  socket: Socket,
  onFrame: FrameHandler,
  onError: FrameErrorHandler,
  maxLineBytes = MAX_LINE_BYTES,
): void {
  // The pieces of the current (unfinished) line, joined only once its newline arrives.
  let parts: string[] = [];
  let partLength = 0;
  socket.setEncoding('utf8');
  const deliver = (line: string) => {
    if (line.trim().length === 0) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      onError(new Error(`not JSON: ${(err as Error).message}`));
      return;
    }
    onFrame(value);
  };
  socket.on('data', (chunk: string) => {
    let start = 0;
    let nl = chunk.indexOf('\n');
    while (nl !== -1) {
      const piece = chunk.slice(start, nl);
      if (partLength + piece.length > maxLineBytes) return tooLong();
      const line = parts.length === 0 ? piece : parts.join('') + piece;
      parts = [];
      partLength = 0;
      deliver(line);
      start = nl + 1;
      nl = chunk.indexOf('\n', start);
    }
    if (start < chunk.length) {
      const rest = chunk.slice(start);
      parts.push(rest);
      partLength += rest.length;
      if (partLength > maxLineBytes) tooLong();
    }
  });
  function tooLong(): void {
    parts = [];
    partLength = 0;
    socket.removeAllListeners('data');
    onError(new LineTooLongError(maxLineBytes));
    // Let an answer written by onError go out, then close; never wait for a peer that keeps sending.
    socket.end();
    setTimeout(() => socket.destroy(), 1000).unref();
  }
}

export function writeFrame(socket: Socket, value: unknown): boolean {
  if (socket.destroyed || !socket.writable) return false;
  return socket.write(`${JSON.stringify(value)}\n`);
}
