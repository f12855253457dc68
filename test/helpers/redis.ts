// A real Redis for tests: REDIS_URL when set (shared, so tests use their own key namespaces and cannot
// stop it), else a private redis-server on a free port, without persistence, killed when the test ends.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { freePort } from './shoal.js';

export interface TestRedis {
  url: string;
  port: number;
  /** False for REDIS_URL: the test did not start it and must not stop it. */
  own: boolean;
  /** Kills the server (SIGKILL: an outage, not a clean shutdown). */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
}

/** Why Redis tests cannot run here, or null when they can. */
export function redisUnavailable(): string | null {
  if (process.env.REDIS_URL) return null;
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  return probe.error
    ? 'redis-server is not installed and REDIS_URL is not set (see node scripts/system-deps.js)'
    : null;
}

export async function startRedis(t: { after(fn: () => unknown): void }): Promise<TestRedis> {
  if (process.env.REDIS_URL) {
    const url = process.env.REDIS_URL;
    const port = Number(new URL(url).port || 6379);
    const refuse = async () => {
      throw new Error('cannot stop or start the Redis given by REDIS_URL');
    };
    return { url, port, own: false, stop: refuse, start: refuse };
  }
  const port = await freePort();
  let proc: ChildProcess | null = null;
  const start = async () => {
    proc = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    await waitForPong(port, 10_000);
  };
  const stop = async () => {
    const p = proc;
    proc = null;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
  };
  t.after(stop);
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, own: true, stop, start };
}

/** Polls until the server answers PING, bounded. */
async function waitForPong(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await ping(port)) return;
    if (Date.now() > deadline)
      throw new Error(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1000, () => done(false));
    s.on('error', () => done(false));
    s.on('connect', () => s.write('PING\r\n'));
    s.on('data', (d) => done(String(d).startsWith('+PONG')));
  });
}
