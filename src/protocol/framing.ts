// Newline-delimited JSON framing for stream sockets. Bounded: a peer that sends a line longer than
// maxLineBytes gets its connection closed rather than growing our memory without limit.
import type { Socket } from 'node:net';

export const MAX_LINE_BYTES = 8 * 1024 * 1024;

export type FrameHandler = (value: unknown) => void;
export type FrameErrorHandler = (err: Error) => void;

/** Calls onFrame for every complete JSON line; onError for a line that is not JSON (the stream goes on). */
export function readFrames(
  socket: Socket,
  onFrame: FrameHandler,
  onError: FrameErrorHandler,
  maxLineBytes = MAX_LINE_BYTES,
): void {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    let nl = buffered.indexOf('\n');
    while (nl !== -1) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (line.trim().length > 0) {
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch (err) {
          onError(new Error(`not JSON: ${(err as Error).message}`));
          nl = buffered.indexOf('\n');
          continue;
        }
        onFrame(value);
      }
      nl = buffered.indexOf('\n');
    }
    if (buffered.length > maxLineBytes) {
      onError(new Error(`line longer than ${maxLineBytes} bytes`));
      socket.destroy();
    }
  });
}

export function writeFrame(socket: Socket, value: unknown): boolean {
  if (socket.destroyed || !socket.writable) return false;
  return socket.write(`${JSON.stringify(value)}\n`);
}
