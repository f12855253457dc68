// Balancer "ip-hash" with the real socket.io package: 20 clients from 20 loopback addresses, 4 workers,
// long-polling sessions that only work when every request of a client reaches the same worker. They all
// work with ip-hash and fail with round-robin; after a reload each address reaches its slot's new worker.
import assert from 'node:assert/strict';
import { describe, it } from '../helpers/node-test.js';
import { pollingSession, type SessionResult } from '../helpers/engine-io-polling.js';
import { createHome, fixture, freePort, type ShoalHome, waitFor } from '../helpers/shoal.js';

const CLIENTS = Array.from({ length: 20 }, (_, i) => `127.0.0.${i + 2}`);

async function startChat(home: ShoalHome, port: number, balancer: string): Promise<void> {
  await home.ok(['start', fixture('socketio-app.js'), '--name', 'chat', '-i', '4', '--balancer', balancer], {
    env: { PORT: String(port) },
  });
  await waitFor('four workers online', async () => {
    const list = await home.list();
    return list.length === 4 && list.every((p) => p.status === 'online');
  });
}

const sessions = (port: number, tag: string) =>
  Promise.all(CLIENTS.map((addr) => pollingSession(port, addr, `${tag} from ${addr}`)));

describe('sticky sessions (balancer ip-hash) with Socket.IO', () => {
  it('keeps every long-polling session of 20 clients on its worker, across a reload', async (t) => {
    const home = createHome(t);
    const port = await freePort();
    await startChat(home, port, 'ip-hash');
    const before = await sessions(port, 'hi');
    const failed = before.filter((r) => !r.ok);
    assert.deepEqual(failed, [], 'every handshake, connect, event and poll succeeds');
    const workersUsed = new Set(before.map((r) => r.echo!.pid));
    assert.ok(workersUsed.size >= 3, `20 addresses spread over ${workersUsed.size} of 4 workers`);
    for (const r of before) assert.match(r.echo!.text, /^hi from 127\.0\.0\.\d+$/);

    await home.ok(['reload', 'chat']);
    const after: SessionResult[] = await sessions(port, 'again');
    assert.deepEqual(
      after.filter((r) => !r.ok),
      [],
    );
    CLIENTS.forEach((addr, i) => {
      assert.equal(
        after[i]!.echo!.instance,
        before[i]!.echo!.instance,
        `${addr} reaches its slot's new worker`,
      );
      assert.notEqual(after[i]!.echo!.pid, before[i]!.echo!.pid, `${addr}: a new worker after the reload`);
    });
  });

  it('loses sessions with round-robin, which is why ip-hash exists', async (t) => {
    const home = createHome(t);
    const port = await freePort();
    await startChat(home, port, 'round-robin');
    const results = await sessions(port, 'hi');
    const failed = results.filter((r) => !r.ok);
    assert.ok(failed.length > 0, 'some session reached a worker that did not know it');
    assert.match(failed[0]!.failure!, /Session ID unknown|400/);
  });
});
