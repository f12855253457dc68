// Beyond one machine, for real: hosts A and B (network namespaces) each run the notes example under
// `shoal run` in cluster mode on a shared Redis on host C, behind HAProxy on the lb host with health
// checks on Shoal's /readyz. A login made through A is accepted through B, a counter incremented through
// both is exact, a rolling `shoal reload` (A, then B) under load fails no request, and killing every
// process of A under load fails fewer than 1 % of requests and loses no acknowledged write.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { describe, it } from '../helpers/node-test.js';
import { type Host, makeHosts, netnsUnavailable } from '../helpers/netns.js';
import { BIN, fixture, ROOT, ShoalHome, waitFor } from '../helpers/shoal.js';

const has = (cmd: string, args: string[]) => spawnSync(cmd, args).status === 0;
const skip = !has('haproxy', ['-v'])
  ? 'haproxy not installed (Debian package "haproxy")'
  : !has('redis-server', ['--version'])
    ? 'redis-server not installed (Debian package "redis-server")'
    : (netnsUnavailable() ?? false);

const APP_PORT = 3000;
const HEALTH_PORT = 9615;
const LB_PORT = 8080;
const SECRET = 'multi-host-test-secret-0123456789abcdef';
const CLIENT = fixture('notes-client.mjs');

function scratch(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'shoal-multi-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function client(lb: Host, args: string[]): Promise<Record<string, unknown>> {
  const res = await lb.exec(process.execPath, [CLIENT, ...args], { timeoutMs: 90_000 });
  if (res.code !== 0) throw new Error(`notes-client ${args[0]} failed: ${res.stderr}`);
  return JSON.parse(res.stdout) as Record<string, unknown>;
}

function haproxyConfig(a: Host, b: Host): string {
  return `global
  maxconn 4000
defaults
  mode http
  timeout connect 1s
  timeout client 10s
  timeout server 10s
  retries 3
  option redispatch 1
  retry-on conn-failure empty-response response-timeout
frontend notes
  bind 127.0.0.1:${LB_PORT}
  default_backend hosts
backend hosts
  balance roundrobin
  option httpchk GET /readyz
  http-check expect status 200
  default-server inter 250ms fall 2 rise 2
  server a ${a.ip}:${APP_PORT} check port ${HEALTH_PORT}
  server b ${b.ip}:${APP_PORT} check port ${HEALTH_PORT}
`;
}

describe('several hosts behind a load balancer', { skip }, () => {
  it('shares logins and counters, reloads with no failed request, and survives the loss of a host', async (t) => {
    const dir = scratch(t);
    const { lb, hosts } = makeHosts(t, ['a', 'b', 'c']);
    const { a, b, c } = hosts as Record<'a' | 'b' | 'c', Host>;

    const redis = c.spawn('redis-server', [
      '--bind',
      c.ip,
      '--port',
      '6379',
      '--protected-mode',
      'no',
      '--save',
      '',
      '--appendonly',
      'no',
    ]);
    const homes: Record<string, ShoalHome> = {};
    const runs = [a, b].map((h) => {
      const home = new ShoalHome(join(dir, `home-${h.ns}`));
      homes[h.ip] = home;
      const env = {
        ...process.env,
        SHOAL_HOME: home.dir,
        PORT: String(APP_PORT),
        HOST: '0.0.0.0',
        INSTANCES: '2',
        RATE_LIMIT: '100000000',
        REDIS_URL: `redis://${c.ip}:6379`,
        SHOAL_AUTH_SECRET: SECRET,
      };
      const child = h.spawn(
        process.execPath,
        [
          BIN,
          'run',
          join(ROOT, 'examples/notes/ecosystem.redis.config.cjs'),
          '--health-port',
          String(HEALTH_PORT),
          '--health-host',
          '0.0.0.0',
        ],
        env,
      );
      let err = '';
      child.stderr?.on('data', (d) => (err += d));
      child.stdout?.resume();
      return { child, stderr: () => err };
    });
    const cfg = join(dir, 'haproxy.cfg');
    writeFileSync(cfg, haproxyConfig(a, b));
    const haproxy = lb.spawn('haproxy', ['-f', cfg, '-db']);
    haproxy.stdout?.resume();
    haproxy.stderr?.resume();
    t.after(() => {
      for (const p of [redis, haproxy, ...runs.map((r) => r.child)]) p.kill('SIGKILL');
    });

    const direct = (h: Host) => `http://${h.ip}:${APP_PORT}`;
    const viaLb = `http://127.0.0.1:${LB_PORT}`;
    for (const h of [a, b]) {
      await waitFor(
        `host ${h.ip} ready`,
        async () => (await client(lb, ['read', direct(h), 'none'])).status === 401,
        { timeoutMs: 60_000, intervalMs: 500 },
      ).catch((err) => {
        throw new Error(
          `${(err as Error).message}; shoal run stderr: ${runs.map((r) => r.stderr()).join('\n')}`,
        );
      });
    }

    // A login made through A is accepted through B; a counter bumped through both is exact.
    const { token } = (await client(lb, ['login', direct(a), 'alice'])) as { token: string };
    const first = await client(lb, ['read', direct(b), token]);
    assert.deepEqual(first, { status: 200, value: 0 }, 'the token from A works on B');
    await Promise.all([
      client(lb, ['counter', direct(a), token, '50']),
      client(lb, ['counter', direct(b), token, '50']),
    ]);
    assert.deepEqual(await client(lb, ['read', direct(a), token]), { status: 200, value: 100 });

    // Both hosts healthy behind the balancer.
    await waitFor(
      'the balancer serving',
      async () => (await client(lb, ['read', viaLb, token])).status === 200,
      {
        timeoutMs: 20_000,
      },
    );

    // A rolling deploy under load: reload A, then B, while requests go through the balancer.
    const rolling = client(lb, ['load', viaLb, token, '15000', '4']);
    await new Promise((r) => setTimeout(r, 2000));
    await homes[a.ip]!.ok(['reload', 'notes']);
    await homes[b.ip]!.ok(['reload', 'notes']);
    const during = (await rolling) as { ok: number; failed: number; errors: Record<string, number> };
    t.diagnostic(`rolling reload of A then B: ${during.ok} requests served, ${during.failed} failed`);
    assert.ok(during.ok > 100, `requests were served during the reloads (${during.ok})`);
    assert.equal(
      during.failed,
      0,
      `no request failed during the rolling reload: ${JSON.stringify(during.errors)}`,
    );

    // Host A dies (every process of it, SIGKILL) under load.
    const before = ((await client(lb, ['read', viaLb, token])) as { value: number }).value;
    const failover = client(lb, ['load', viaLb, token, '8000', '4']);
    await new Promise((r) => setTimeout(r, 2500));
    a.killAll();
    const after = (await failover) as {
      ok: number;
      failed: number;
      acked: number[];
      errors: Record<string, number>;
    };
    const total = after.ok + after.failed;
    t.diagnostic(
      `host A killed: ${after.ok} of ${total} requests served, ${after.failed} failed ${JSON.stringify(after.errors)}`,
    );
    assert.ok(after.ok > 100, `requests were served around the failure (${after.ok})`);
    assert.ok(
      after.failed / total < 0.01,
      `fewer than 1 % failed: ${after.failed} of ${total} ${JSON.stringify(after.errors)}`,
    );
    // Every acknowledged increment is in Redis: the counter holds at least as many as were acknowledged.
    const final = ((await client(lb, ['read', direct(b), token])) as { value: number }).value;
    assert.ok(
      final - before >= after.ok,
      `counter grew by ${final - before}, ${after.ok} increments were acknowledged`,
    );
    assert.ok(Math.max(...after.acked) <= final, 'no acknowledged value is above what Redis holds');
  });
});
