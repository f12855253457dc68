// The RPC pair over a real Unix socket (src/protocol/rpc-server.ts, rpc-client.ts): every bad input gets
// a coded answer and the connection goes on, and no client call waits forever: a peer that closes or
// never answers, or answers garbage, rejects the call with a code.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { TestContext } from 'node:test';
import { z } from 'zod';
import { type ErrorCode, isShoalError, ShoalError } from '../../src/errors.js';
import { writeFrame } from '../../src/protocol/framing.js';
import { defineChannel } from '../../src/protocol/channel.js';
import { RpcClient } from '../../src/protocol/rpc-client.js';
import { serveRpc } from '../../src/protocol/rpc-server.js';
import { describe, it } from '../helpers/node-test.js';
import { rawClient, socketPath, within } from '../helpers/unix-socket.js';

const VERSION = 1;
const requests = {
  echo: {
    request: z.object({ text: z.string(), delayMs: z.number().int().min(0).optional() }),
    result: z.object({ text: z.string() }),
  },
  notFound: { request: z.object({}), result: z.object({}) },
  crash: { request: z.object({}), result: z.object({}) },
  hang: { request: z.object({}), result: z.object({}) },
  hangUp: { request: z.object({}), result: z.object({}) },
  withEvent: { request: z.object({}), result: z.object({ done: z.boolean() }) },
};
const TestChannel = defineChannel({
  version: VERSION,
  unreachable: 'SHOAL_ERR_DAEMON_UNREACHABLE',
  requests,
});
/** The same requests under the next protocol version, as a client of another release speaks them. */
const NextChannel = defineChannel({ ...TestChannel, version: VERSION + 1 });
type TestChannel = typeof TestChannel;

interface Served {
  path: string;
  handled: string[];
  problems: Array<{ event: string; fields: Record<string, unknown> }>;
}

async function serve(t: TestContext): Promise<Served> {
  const path = socketPath(t, 'rpc.sock');
  const handled: string[] = [];
  const problems: Served['problems'] = [];
  const server = await serveRpc({
    socketPath: path,
    channel: TestChannel,
    onProblem: (event, fields) => problems.push({ event, fields }),
    handlers: {
      echo: async (p) => {
        handled.push('echo');
        if (p.delayMs) await new Promise((r) => setTimeout(r, p.delayMs));
        return { text: p.text };
      },
      notFound: () => {
        handled.push('notFound');
        throw new ShoalError('SHOAL_ERR_APP_NOT_FOUND', 'No app "ghost".', { app: 'ghost' });
      },
      crash: () => {
        handled.push('crash');
        throw new Error('handler bug');
      },
      hang: () => {
        handled.push('hang');
        return new Promise<never>(() => {});
      },
      hangUp: (_p, socket) => {
        handled.push('hangUp');
        // The server side goes away in the middle of the request, as a dying daemon does.
        (socket as Socket).destroy();
        return new Promise<never>(() => {});
      },
      withEvent: (_p, socket) => {
        handled.push('withEvent');
        writeFrame(socket as Socket, { event: 'progress', step: 1 });
        return { done: true };
      },
    },
  });
  t.after(() => closeServer(server));
  return { path, handled, problems };
}

/** Stops accepting; not awaited, as close waits for every connection, and clients end theirs later. */
function closeServer(server: Server): void {
  server.close();
}

async function client(
  t: TestContext,
  path: string,
  opts: { onEvent?: (e: unknown) => void; onClose?: () => void } = {},
): Promise<RpcClient<TestChannel>> {
  const c = await RpcClient.connect(path, { channel: TestChannel, peerName: 'the test server', ...opts });
  t.after(() => c.close());
  return c;
}

/** Asserts that p rejects with a ShoalError of code, and returns the error. */
async function rejectsWith(p: Promise<unknown>, code: ErrorCode): Promise<ShoalError> {
  const err = await p.then(
    () => assert.fail(`expected ${code}, but the call succeeded`),
    (e: unknown) => e,
  );
  assert.ok(isShoalError(err), `expected a ShoalError, got ${String(err)}`);
  assert.equal(err.code, code, err.message);
  return err;
}

describe('rpc server and client', () => {
  it('answers a request, on a socket only its owner can open', async (t) => {
    const { path, handled } = await serve(t);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const c = await client(t, path);
    assert.deepEqual(await c.request('echo', { text: 'hi' }, 5000), { text: 'hi' });
    assert.deepEqual(handled, ['echo']);
  });

  it('matches answers to their requests when they come back out of order', async (t) => {
    const { path } = await serve(t);
    const c = await client(t, path);
    const texts = ['slow', 'medium', 'fast'];
    const delays = [150, 75, 0];
    const answers = await Promise.all(
      texts.map((text, i) => c.request('echo', { text, delayMs: delays[i] }, 5000)),
    );
    assert.deepEqual(
      answers.map((a) => a.text),
      texts,
    );
  });

  it('keeps the envelope when a payload carries fields of the same names', async (t) => {
    const { path, handled } = await serve(t);
    const c = await client(t, path);
    const payload = { text: 'x', v: 99, id: 'nope', type: 'crash' } as { text: string };
    assert.deepEqual(await c.request('echo', payload, 5000), {
      text: 'x',
    });
    assert.deepEqual(handled, ['echo']);
  });

  it('answers a line that is not JSON with a coded error and goes on serving the connection', async (t) => {
    const { path, problems } = await serve(t);
    const raw = await rawClient(t, path);
    raw.write('this is not json\n');
    const garbage = await raw.nextAnswer();
    assert.equal(garbage.id, -1);
    assert.equal(garbage.ok, false);
    assert.equal((garbage.error as { code: string }).code, 'SHOAL_ERR_PROTOCOL_INVALID');
    assert.deepEqual(
      problems.map((p) => p.event),
      ['rpc.garbage'],
    );
    raw.write(`${JSON.stringify({ v: VERSION, id: 2, type: 'echo', text: 'still here' })}\n`);
    assert.deepEqual(await raw.nextAnswer(), { v: VERSION, id: 2, ok: true, result: { text: 'still here' } });
  });

  for (const [what, frame, id] of [
    ['JSON that is not an envelope', { hello: 1 }, -1],
    ['an envelope without a type', { v: VERSION, id: 3 }, 3],
    ['an envelope with a fractional id', { v: VERSION, id: 1.5, type: 'echo', text: 'x' }, -1],
    ['an array', [1, 2], -1],
  ] as const) {
    it(`answers ${what} with SHOAL_ERR_PROTOCOL_INVALID`, async (t) => {
      const { path, handled } = await serve(t);
      const raw = await rawClient(t, path);
      raw.write(`${JSON.stringify(frame)}\n`);
      const answer = await raw.nextAnswer();
      assert.equal(answer.id, id);
      assert.equal((answer.error as { code: string }).code, 'SHOAL_ERR_PROTOCOL_INVALID');
      assert.deepEqual(handled, []);
    });
  }

  it('answers a request of another protocol version with SHOAL_ERR_PROTOCOL_VERSION and both versions', async (t) => {
    const { path, handled } = await serve(t);
    const c = await RpcClient.connect(path, { channel: NextChannel, peerName: 'the test server' });
    t.after(() => c.close());
    const err = await rejectsWith(c.request('echo', { text: 'x' }, 5000), 'SHOAL_ERR_PROTOCOL_VERSION');
    assert.deepEqual(err.details, { daemon_protocol: VERSION, client_protocol: VERSION + 1 });
    assert.deepEqual(handled, []);
  });

  it('answers an unknown request type, inherited object keys included, with its type named', async (t) => {
    const { path, handled } = await serve(t);
    const raw = await rawClient(t, path);
    let id = 10;
    for (const type of ['format-disk', 'toString', '__proto__', 'constructor']) {
      raw.write(`${JSON.stringify({ v: VERSION, id: ++id, type })}\n`);
      const answer = await raw.nextAnswer();
      assert.equal(answer.id, id);
      const error = answer.error as { code: string; details: unknown };
      assert.equal(error.code, 'SHOAL_ERR_PROTOCOL_INVALID');
      assert.deepEqual(error.details, { type });
    }
    assert.deepEqual(handled, []);
  });

  it('answers a payload that fails its schema without calling the handler', async (t) => {
    const { path, handled } = await serve(t);
    const c = await client(t, path);
    for (const payload of [{}, { text: 3 }, { text: 'x', delayMs: -1 }]) {
      // Payloads the types forbid: what another client might still send.
      const err = await rejectsWith(
        c.request('echo', payload as { text: string }, 5000),
        'SHOAL_ERR_PROTOCOL_INVALID',
      );
      assert.deepEqual(err.details, { type: 'echo' });
    }
    assert.deepEqual(handled, []);
    // The same connection still serves a good request.
    assert.deepEqual(await c.request('echo', { text: 'ok' }, 5000), { text: 'ok' });
  });

  it("passes a handler's coded error through with its details", async (t) => {
    const { path, problems } = await serve(t);
    const c = await client(t, path);
    const err = await rejectsWith(c.request('notFound', {}, 5000), 'SHOAL_ERR_APP_NOT_FOUND');
    assert.deepEqual(err.details, { app: 'ghost' });
    assert.deepEqual(problems, [], 'an expected error is not a problem');
  });

  it('turns a handler that throws anything else into SHOAL_ERR_INTERNAL and reports it', async (t) => {
    const { path, problems } = await serve(t);
    const c = await client(t, path);
    await rejectsWith(c.request('crash', {}, 5000), 'SHOAL_ERR_INTERNAL');
    assert.deepEqual(
      problems.map((p) => [p.event, p.fields.message]),
      [['rpc.internal_error', 'handler bug']],
    );
  });

  it('hands pushed events to the listener and still resolves the request', async (t) => {
    const { path } = await serve(t);
    const events: unknown[] = [];
    const c = await client(t, path, { onEvent: (e) => events.push(e) });
    assert.deepEqual(await c.request('withEvent', {}, 5000), { done: true });
    assert.deepEqual(events, [{ event: 'progress', step: 1 }]);
  });

  it('rejects a pending call at once when the server closes the connection mid-request', async (t) => {
    const { path, handled } = await serve(t);
    let closed = false;
    const c = await client(t, path, { onClose: () => (closed = true) });
    const other = c.request('hang', {}, 60_000);
    const started = Date.now();
    // Bounded far below the calls' own 60 s timeout: the close, not the timeout, must end them.
    const err = await within(
      'the call to reject',
      5000,
      rejectsWith(c.request('hangUp', {}, 60_000), 'SHOAL_ERR_DAEMON_UNREACHABLE'),
    );
    assert.match(err.message, /The test server closed the connection before answering/);
    await within(
      'the other pending call to reject',
      5000,
      rejectsWith(other, 'SHOAL_ERR_DAEMON_UNREACHABLE'),
    );
    assert.ok(Date.now() - started < 5000);
    assert.deepEqual(handled, ['hang', 'hangUp']);
    assert.equal(c.isClosed, true);
    assert.equal(closed, true, 'onClose was called');
    await rejectsWith(c.request('echo', { text: 'x' }, 5000), 'SHOAL_ERR_DAEMON_UNREACHABLE');
  });

  it('rejects a call the server never answers with SHOAL_ERR_TIMEOUT, and the connection goes on', async (t) => {
    const { path } = await serve(t);
    const c = await client(t, path);
    const started = Date.now();
    await rejectsWith(c.request('hang', {}, 200), 'SHOAL_ERR_TIMEOUT');
    const took = Date.now() - started;
    assert.ok(took >= 190 && took < 5000, `timed out after ${took} ms`);
    assert.deepEqual(await c.request('echo', { text: 'after' }, 5000), { text: 'after' });
  });

  it('rejects pending calls with SHOAL_ERR_PROTOCOL_INVALID when the server answers garbage', async (t) => {
    const path = socketPath(t, 'garbage.sock');
    const server = createServer((s: Socket) => s.on('data', () => s.write('no envelope here\n')));
    await new Promise<void>((r) => server.listen(path, r));
    t.after(() => closeServer(server));
    const c = await client(t, path);
    const err = await within(
      'the call to reject',
      5000,
      rejectsWith(c.request('echo', { text: 'x' }, 60_000), 'SHOAL_ERR_PROTOCOL_INVALID'),
    );
    assert.match(err.message, /The test server sent an invalid message/);
  });

  it('fails to connect to a socket nobody serves, with the system code', async (t) => {
    const path = socketPath(t, 'nobody.sock');
    await assert.rejects(RpcClient.connect(path, { channel: TestChannel, peerName: 'nobody' }), {
      code: 'ENOENT',
    });
  });
});
