// Balancers "least-connections" and "kernel" with real connections: least-connections sends a new
// connection to the worker with the fewest open ones; kernel leaves the primary off the connection path
// (every worker holds the listening socket itself, where round-robin keeps it in the primary).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { describe, it } from '../helpers/node-test.js';
import { startLoad } from '../helpers/load.js';
import { createHome, fixture, freePort, type ShoalHome, waitFor } from '../helpers/shoal.js';

/** An HTTP/1.1 keep-alive connection left open after one answer; resolves with the answering pid. */
function heldConnection(port: number): Promise<{ socket: net.Socket; pid: number }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => {
      text += c;
      const m = /hello from (\d+)/.exec(text);
      if (m) resolve({ socket, pid: Number(m[1]) });
    });
    socket.on('error', reject);
    socket.write('GET / HTTP/1.1\r\nHost: test\r\n\r\n');
  });
}

async function startHello(home: ShoalHome, port: number, balancer: string) {
  await home.ok(['start', fixture('http-hello.js'), '--name', 'web', '-i', '2', '--balancer', balancer], {
    env: { PORT: String(port) },
  });
  return waitFor('two workers online', async () => {
    const list = await home.list();
    return list.length === 2 && list.every((p) => p.status === 'online') ? list : null;
  });
}

/** Pids of the processes holding the listening socket of `port` (from /proc/net/tcp and /proc/*\/fd). */
function listenersOf(port: number, pids: number[]): number[] {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set(
    readFileSync('/proc/net/tcp', 'utf8')
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(/\s+/))
      .filter((f) => f[1]?.endsWith(`:${hex}`) && f[3] === '0A')
      .map((f) => f[9]),
  );
  return pids.filter((pid) =>
    readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        return m !== null && inodes.has(m[1]);
      } catch {
        return false;
      }
    }),
  );
}

/** Connections (not the listening socket) `pid` still holds on local port `port`, in any state. */
function connectionSockets(pid: number, port: number): number {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = socketInodes(pid);
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f[1]?.endsWith(`:${hex}`) && f[3] !== '0A' && inodes.has(f[9]!)).length;
}

function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // closed meanwhile
    }
  }
  return inodes;
}

/** Sockets of `pid` in CLOSE_WAIT: the client hung up and the process never closed its end. */
function closeWaitSockets(pid: number): number {
  const inodes = socketInodes(pid);
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f[3] === '08' && inodes.has(f[9]!)).length;
}

describe('balancers', () => {
  it('least-connections: new connections go to the worker with the fewest open ones', async (t) => {
    const home = createHome(t);
    const port = await freePort();
    const workers = await startHello(home, port, 'least-connections');
    const held: Array<{ socket: net.Socket; pid: number }> = [];
    for (let i = 0; i < 6; i++) held.push(await heldConnection(port));
    t.after(() => {
      for (const h of held) h.socket.destroy();
    });
    const on = (pid: number) => held.filter((h) => h.pid === pid && !h.socket.destroyed).length;
    assert.deepEqual(
      workers.map((w) => on(w.pid!)),
      [3, 3],
      'six connections spread evenly',
    );
    // Close the three of the first worker: it now has none open, the other three.
    const first = workers[0]!.pid!;
    for (const h of held.filter((x) => x.pid === first)) h.socket.destroy();
    // The worker reports closed connections in the turn it sees them close: once its sockets are gone,
    // the primary knows (bar a message in flight).
    await waitFor('the first worker to close its connections', () => connectionSockets(first, port) === 0);
    for (let i = 0; i < 3; i++) held.push(await heldConnection(port));
    assert.equal(on(first), 3, 'the next connections all went to the emptied worker');
    assert.equal(on(workers[1]!.pid!), 3);
  });

  it("least-connections: the balancer's messages and sockets stay out of the app's message listeners", async (t) => {
    const home = createHome(t);
    const port = await freePort();
    await home.ok(
      [
        'start',
        fixture('message-listener.js'),
        '--name',
        'web',
        '-i',
        '2',
        '--balancer',
        'least-connections',
      ],
      {
        env: { PORT: String(port) },
      },
    );
    await waitFor('two workers online', async () => {
      const list = await home.list();
      return list.length === 2 && list.every((p) => p.status === 'online') ? list : null;
    });
    // A new connection per request: each one is handed to a worker by the primary, with a message.
    const get = (path: string) =>
      new Promise<string>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (body += c));
            res.on('end', () => resolve(body));
          })
          .on('error', reject);
      });
    const answers: string[] = [];
    for (let i = 0; i < 10; i++) answers.push(await get('/'));
    assert.equal(answers.filter((a) => a.startsWith('hello from')).length, 10);
    const seen = new Map<number, { messages: number; withHandle: number; types: string[] }>();
    await waitFor('both workers to answer /seen', async () => {
      const s = JSON.parse(await get('/seen'));
      seen.set(s.pid, s);
      return seen.size === 2;
    });
    for (const s of seen.values()) {
      assert.equal(s.withHandle, 0, `no socket reached the app's listener: ${JSON.stringify(s)}`);
      assert.deepEqual(
        s.types.filter((type) => type.startsWith('shoal:bal:')),
        [],
        'no balancer message reached the app',
      );
    }
  });

  it('least-connections: a connection handed to a dying worker is not left open in the primary', async (t) => {
    const home = createHome(t);
    const port = await freePort();
    await startHello(home, port, 'least-connections');
    const [d] = await home.describe('web');
    const primary = d!.primary!.pid!;
    const load = startLoad({ port, clients: 8, keepAlive: false, maxDurationMs: 20_000, timeoutMs: 3000 });
    await load.waitForResponses(50);
    let kills = 0;
    const until = Date.now() + 5000;
    while (Date.now() < until) {
      const [victim] = readFileSync(`/proc/${primary}/task/${primary}/children`, 'utf8').trim().split(/\s+/);
      if (victim) {
        try {
          process.kill(Number(victim), 'SIGKILL');
          kills += 1;
        } catch {
          // gone meanwhile
        }
      }
      await new Promise((r) => setTimeout(r, 200)); // the kill rate is the point
    }
    const result = await load.stop();
    assert.ok(kills >= 10, `${kills} kills`);
    assert.ok(result.ok > 0);
    // Whatever was in flight when the kills stopped is handed on or closed within the primary's grace.
    await waitFor('no socket left in CLOSE_WAIT in the primary', () => closeWaitSockets(primary) === 0, {
      timeoutMs: 10_000,
    });
    t.diagnostic(
      `${kills} kills, ${result.ok} answered, ${result.failed} failed (${JSON.stringify(result.errors)})`,
    );
  });

  it('kernel: every worker holds the listening socket; with round-robin only the primary does', async (t) => {
    const home = createHome(t);
    const port = await freePort();
    const workers = await startHello(home, port, 'kernel');
    const [d] = await home.describe('web');
    const pids = [d!.primary!.pid!, ...workers.map((w) => w.pid!)];
    assert.deepEqual(listenersOf(port, pids).slice(1).sort(), workers.map((w) => w.pid!).sort());
    await home.ok(['delete', 'web']);

    const rrPort = await freePort();
    const rrWorkers = await startHello(home, rrPort, 'round-robin');
    const [rr] = await home.describe('web');
    const rrPids = [rr!.primary!.pid!, ...rrWorkers.map((w) => w.pid!)];
    assert.deepEqual(listenersOf(rrPort, rrPids), [rr!.primary!.pid!]);
  });
});
