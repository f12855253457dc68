// Newline-delimited JSON over a real Unix socket (src/protocol/framing.ts): frames split over chunks or
// packed in one, garbage lines reported while the stream goes on, and the line-length bound.
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import type { TestContext } from 'node:test';
import { readFrames, writeFrame } from '../../src/protocol/framing.js';
import { describe, it } from '../helpers/node-test.js';
import { waitFor } from '../helpers/shoal.js';
import { rawClient, socketPath, within } from '../helpers/unix-socket.js';

const LIMIT = 1024;

interface Receiver {
  frames: unknown[];
  errors: string[];
  /** Resolves once n frames have arrived. */
  framesArrived(n: number): Promise<void>;
  /** Resolves once the server side has read n bytes in all (raw bytes, before decoding). */
  bytesRead(n: number): Promise<void>;
  /** The server side of the connection. */
  peer: Socket;
}

/** A server reading frames with a small line limit, and a raw client connected to it. */
async function connected(t: TestContext) {
  const path = socketPath(t);
  let accept!: (s: Socket) => void;
  const accepted = new Promise<Socket>((r) => {
    accept = r;
  });
  const server = createServer(accept);
  await new Promise<void>((r) => server.listen(path, r));
  t.after(() => server.close());
  const client = await rawClient(t, path);
  const peer = await within('the server to accept', 5000, accepted);
  const frames: unknown[] = [];
  const errors: string[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  readFrames(
    peer,
    (f) => {
      frames.push(f);
      for (const w of waiters.filter((x) => frames.length >= x.n)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    },
    (err) => errors.push(err.message),
    LIMIT,
  );
  const receiver: Receiver = {
    frames,
    errors,
    peer,
    framesArrived: (n) =>
      within(
        `${n} frame(s)`,
        5000,
        frames.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve })),
      ),
    bytesRead: async (n) => {
      await waitFor(`${n} bytes read`, () => peer.bytesRead >= n, { timeoutMs: 5000, intervalMs: 1 });
    },
  };
  return { client, receiver };
}

describe('framing', () => {
  it('reads a frame written one byte at a time, multi-byte characters included', async (t) => {
    const { client, receiver } = await connected(t);
    const line = `${JSON.stringify({ text: 'déjà vu ✓', n: [1, 2] })}\n`;
    const bytes = Buffer.from(line);
    for (let i = 0; i < bytes.length; i++) {
      client.socket.write(bytes.subarray(i, i + 1));
      // Each byte is read on its own before the next goes: the frame really arrives in pieces, and
      // the accented letters and the check mark are split between reads.
      await receiver.bytesRead(i + 1);
    }
    await receiver.framesArrived(1);
    assert.deepEqual(receiver.frames, [{ text: 'déjà vu ✓', n: [1, 2] }]);
    assert.deepEqual(receiver.errors, []);
  });

  it('reads several frames from one chunk, in order, and skips blank lines', async (t) => {
    const { client, receiver } = await connected(t);
    client.write('{"a":1}\n\n   \n{"b":2}\n[3]\n');
    await receiver.framesArrived(3);
    assert.deepEqual(receiver.frames, [{ a: 1 }, { b: 2 }, [3]]);
    assert.deepEqual(receiver.errors, []);
  });

  it('reports a line that is not JSON and goes on with the next ones', async (t) => {
    const { client, receiver } = await connected(t);
    client.write('this is not json\n{"after":true}\n{broken\n"end"\n');
    await receiver.framesArrived(2);
    assert.deepEqual(receiver.frames, [{ after: true }, 'end']);
    assert.equal(receiver.errors.length, 2);
    for (const e of receiver.errors) assert.match(e, /^not JSON: /);
    assert.equal(receiver.peer.destroyed, false, 'the connection stays open');
  });

  it('accepts a line exactly as long as the limit, sent in pieces', async (t) => {
    const { client, receiver } = await connected(t);
    const value = 'x'.repeat(LIMIT - 2); // with its quotes, the line is LIMIT characters long
    const line = JSON.stringify(value);
    assert.equal(line.length, LIMIT);
    let sent = 0;
    for (const piece of [line.slice(0, 500), line.slice(500), '\n']) {
      client.write(piece);
      sent += piece.length;
      await receiver.bytesRead(sent);
    }
    await receiver.framesArrived(1);
    assert.equal(receiver.frames[0], value);
    assert.deepEqual(receiver.errors, []);
    assert.equal(receiver.peer.destroyed, false);
  });

  it('closes the connection once an unfinished line passes the limit', async (t) => {
    const { client, receiver } = await connected(t);
    client.write('{"ok":1}\n');
    await receiver.framesArrived(1);
    client.write(`"${'y'.repeat(LIMIT)}`);
    await within('the server to close the connection', 5000, client.closed);
    assert.deepEqual(receiver.errors, [`line longer than ${LIMIT} bytes`]);
    assert.equal(receiver.frames.length, 1, 'nothing of the long line was taken as a frame');
  });

  it('closes the connection for a complete line over the limit that arrives in one chunk', async (t) => {
    const { client, receiver } = await connected(t);
    const line = `${JSON.stringify('z'.repeat(LIMIT + 10))}\n`;
    client.write(line);
    await receiver.bytesRead(line.length);
    assert.equal(receiver.frames.length, 0, 'the over-long line is not taken as a frame');
    await within('the server to close the connection', 1000, client.closed);
  });

  it('writes one line per frame, and nothing once the socket is gone', async (t) => {
    const { client, receiver } = await connected(t);
    assert.equal(writeFrame(receiver.peer, { answer: 42 }), true);
    assert.deepEqual(await client.nextAnswer(), { answer: 42 });
    receiver.peer.destroy();
    assert.equal(writeFrame(receiver.peer, { answer: 43 }), false);
  });
});
