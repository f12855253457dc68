// A channel's definition binds both ends over a real Unix socket: a result that does not match its schema
// is refused on arrival, every error names the peer with the channel's own code, and a request too long
// to read is answered with a code instead of a bare close.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { describe, it } from '../helpers/node-test.js';
import { z } from 'zod';
import { ShoalError } from '../../src/errors.js';
import { defineChannel, type Handlers } from '../../src/protocol/channel.js';
import { RpcClient } from '../../src/protocol/rpc-client.js';
import { serveRpc } from '../../src/protocol/rpc-server.js';

const Test = defineChannel({
  version: 3,
  unreachable: 'SHOAL_ERR_PRIMARY_UNREACHABLE',
  requests: {
    add: { request: z.object({ a: z.number(), b: z.number() }), result: z.object({ sum: z.number() }) },
    echo: { request: z.object({ text: z.string() }), result: z.object({ text: z.string() }) },
    hang: { request: z.object({}), result: z.object({}) },
  },
});

async function serve(
  t: TestContext,
  handlers: Handlers<typeof Test>,
): Promise<{ socket: string; server: Server }> {
  const dir = mkdtempSync(join(tmpdir(), 'shoal-rpc-'));
  const socket = join(dir, 's.sock');
  const server = await serveRpc({ socketPath: socket, channel: Test, handlers });
  t.after(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { socket, server };
}

const connect = (socket: string) => RpcClient.connect(socket, { channel: Test, peerName: 'the test peer' });

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ShoalError, String(err));
    assert.match(err.message, /^The test peer /, 'the error names the peer');
    return err.code;
  }
  assert.fail('expected a rejection');
}

describe('typed channels', () => {
  it('checks results against the channel and refuses one that does not match', async (t) => {
    const { socket } = await serve(t, {
      add: ({ a, b }) => ({ sum: a + b }),
      // A peer that breaks the protocol: the types forbid this, so the test goes around them.
      echo: () => ({ text: 42 }) as unknown as { text: string },
      hang: () => new Promise(() => {}),
    });
    const client = await connect(socket);
    t.after(() => client.close());
    assert.deepEqual(await client.request('add', { a: 2, b: 3 }, 2000), { sum: 5 });
    assert.equal(await codeOf(client.request('echo', { text: 'x' }, 2000)), 'SHOAL_ERR_PROTOCOL_INVALID');
    assert.equal(await codeOf(client.request('hang', {}, 200)), 'SHOAL_ERR_TIMEOUT');
  });

  it('reports a peer that goes away mid-request with the channel code, at once', async (t) => {
    let client: RpcClient<typeof Test> | null = null;
    const { socket, server } = await serve(t, {
      add: ({ a, b }) => ({ sum: a + b }),
      echo: (req) => req,
      hang: () => {
        // Close every connection while the request waits.
        setImmediate(() => server.close());
        client?.close();
        return new Promise(() => {});
      },
    });
    const c = await connect(socket);
    client = c;
    const started = Date.now();
    assert.equal(await codeOf(c.request('hang', {}, 30_000)), 'SHOAL_ERR_PRIMARY_UNREACHABLE');
    assert.ok(Date.now() - started < 5_000, 'not left waiting for the timeout');
    assert.equal(await codeOf(c.request('add', { a: 1, b: 1 }, 1000)), 'SHOAL_ERR_PRIMARY_UNREACHABLE');
  });

  it('answers a request longer than the limit with a coded error', async (t) => {
    const { socket } = await serve(t, {
      add: ({ a, b }) => ({ sum: a + b }),
      echo: (req) => req,
      hang: () => ({}),
    });
    const client = await connect(socket);
    t.after(() => client.close());
    const code = await codeOf(client.request('echo', { text: 'x'.repeat(9 * 1024 * 1024) }, 10_000));
    assert.equal(code, 'SHOAL_ERR_REQUEST_TOO_LARGE');
  });
});
