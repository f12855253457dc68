// The preload's drain on a real HTTP server in this process: it must find the open connections itself
// (from Node's own list), answer in-flight requests with "Connection: close", close idle keep-alive
// sockets after the grace period, and so let the server close long before the deadline.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { describe, it } from '../helpers/node-test.js';
import { drainServers } from '../../src/worker/drain.js';
import { installServerTracking, openSockets } from '../../src/worker/server-tracker.js';

installServerTracking(null);

interface Reply {
  headers: http.IncomingHttpHeaders;
  body: string;
  socket: Socket;
}

function get(agent: http.Agent, port: number, path: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent }, (res) => {
        const socket = res.socket;
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () => resolve({ headers: res.headers, body, socket }));
      })
      .on('error', reject);
  });
}

describe('worker drain', () => {
  it('finds open sockets, closes idle ones after the grace, tells in-flight ones to close, and finishes early', async (t) => {
    let slowStarted!: () => void;
    const slowSeen = new Promise<void>((r) => {
      slowStarted = r;
    });
    const server = http.createServer((req, res) => {
      if (req.url === '/slow') {
        slowStarted();
        setTimeout(() => res.end('slow done'), 300);
      } else res.end('fast');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    t.after(() => server.close());
    const { port } = server.address() as AddressInfo;

    const idleAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const busyAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    t.after(() => {
      idleAgent.destroy();
      busyAgent.destroy();
    });
    const first = await get(idleAgent, port, '/');
    assert.equal(first.headers.connection, 'keep-alive');
    const idleSocket = first.socket;
    const idleClosed = new Promise<void>((r) => idleSocket.once('close', () => r()));

    const slow = get(busyAgent, port, '/slow');
    await slowSeen;
    assert.equal(openSockets(server)?.length, 2, 'both connections are in the list');

    const started = Date.now();
    await drainServers(started + 20_000);
    const took = Date.now() - started;
    assert.ok(took < 5_000, `the drain finished by itself (${took} ms), not at the deadline`);
    assert.equal(server.listening, false);

    const res = await slow;
    assert.equal(res.body, 'slow done', 'the in-flight request completed');
    assert.equal(res.headers.connection, 'close', 'and told its client to close');
    await idleClosed;
  });
});
