// One-shot HTTP probes of the hello app: which pid answered (its body is "hello from <pid>"), over a new
// connection each time so the primary's round-robin spreads the probes across workers.
import http from 'node:http';
import { nowMs, waitFor } from './processes.js';

/** The pid that answered GET / on port, or null on any error or non-200 answer. */
export function probePid(port: number, timeoutMs = 2000): Promise<number | null> {
  return new Promise((resolve) => {
    const req = http.get(
      {
        host: '127.0.0.1',
        port,
        path: '/',
        agent: false,
        headers: { connection: 'close' },
        timeout: timeoutMs,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          body += d;
        });
        res.on('end', () => {
          const m = /hello from (\d+)/.exec(body);
          resolve(res.statusCode === 200 && m ? Number(m[1]) : null);
        });
        res.on('error', () => resolve(null));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(null));
  });
}

/** Waits until `count` distinct pids have answered on port; returns them. */
export async function waitForWorkers(port: number, count: number, timeoutMs = 30_000): Promise<number[]> {
  const seen = new Set<number>();
  await waitFor(
    `${count} distinct workers answering on port ${port}`,
    async () => {
      const pid = await probePid(port);
      if (pid !== null) seen.add(pid);
      return seen.size >= count;
    },
    { timeoutMs, intervalMs: 10 },
  );
  return [...seen];
}

/**
 * Starts a probe every intervalMs, without waiting for the earlier ones (a probe whose connection went to
 * the dying worker can hang until its timeout, and must not hold the next ones back), until a pid outside
 * `known` answers; resolves with the time (performance.now()) of that answer, or null at the deadline.
 * stop() ends it early.
 */
export function watchForNewPid(
  port: number,
  known: ReadonlySet<number>,
  opts: { intervalMs: number; timeoutMs: number },
): { done: Promise<{ at: number; pid: number } | null>; stop: () => void } {
  const MAX_IN_FLIGHT = 32;
  let stopped = false;
  let inFlight = 0;
  const deadline = nowMs() + opts.timeoutMs;
  const done = new Promise<{ at: number; pid: number } | null>((resolve) => {
    const finish = (value: { at: number; pid: number } | null) => {
      stopped = true;
      resolve(value);
    };
    const tick = () => {
      if (stopped) return;
      if (nowMs() > deadline) return finish(null);
      if (inFlight < MAX_IN_FLIGHT) {
        inFlight += 1;
        void probePid(port, 2000).then((pid) => {
          inFlight -= 1;
          if (!stopped && pid !== null && !known.has(pid)) finish({ at: nowMs(), pid });
        });
      }
      setTimeout(tick, opts.intervalMs);
    };
    tick();
  });
  return {
    done,
    stop: () => {
      stopped = true;
    },
  };
}
