// Unix sockets for protocol tests: a private path per test, a raw client that writes what the test says
// and reads whole answer lines, and waits bounded in time.
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A socket path in a fresh private directory, removed when the test ends. */
export function socketPath(t: { after(fn: () => unknown): void }, name = 'test.sock'): string {
  const dir = mkdtempSync(join(tmpdir(), 'shoal-sock-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, name);
}

/** Resolves with what p resolves to, or fails naming what did not happen within ms. */
export function within<T>(what: string, ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export interface RawClient {
  socket: Socket;
  write(text: string): void;
  /** The next complete line the peer sent, parsed as JSON. */
  nextAnswer(): Promise<Record<string, unknown>>;
  /** Resolves when the peer has closed the connection. */
  closed: Promise<void>;
}

/** Connects to path without any of Shoal's client code: bytes in, lines out. */
export async function rawClient(t: { after(fn: () => unknown): void }, path: string): Promise<RawClient> {
  const socket = connect(path);
  t.after(() => socket.destroy());
  await within(`a connection to ${path}`, 5000, once(socket, 'connect'));
  socket.setEncoding('utf8');
  const lines: string[] = [];
  const waiters: Array<(line: string) => void> = [];
  let buffered = '';
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    let nl = buffered.indexOf('\n');
    while (nl !== -1) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      const waiter = waiters.shift();
      if (waiter) waiter(line);
      else lines.push(line);
      nl = buffered.indexOf('\n');
    }
  });
  socket.on('error', () => {});
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  return {
    socket,
    write: (text) => socket.write(text),
    nextAnswer: () => {
      const line =
        lines.length > 0 ? Promise.resolve(lines.shift()!) : new Promise<string>((r) => waiters.push(r));
      return within('an answer line', 5000, line).then((l) => JSON.parse(l) as Record<string, unknown>);
    },
    closed,
  };
}
