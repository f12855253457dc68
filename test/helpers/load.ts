// A bounded HTTP load generator for tests and benchmarks: N clients on 127.0.0.1, each sending one
// request at a time, over keep-alive or a new connection per request, counting every failure by kind.
import http from 'node:http';

export interface LoadOptions {
  port: number;
  clients: number;
  keepAlive: boolean;
  /** Hard bound: the load stops by itself after this long even if nobody calls stop(). */
  maxDurationMs: number;
  path?: string;
  timeoutMs?: number;
}

export interface LoadResult {
  ok: number;
  failed: number;
  errors: Record<string, number>;
  /** Responses per body, e.g. to see which workers answered. */
  bodies: Map<string, number>;
  durationMs: number;
}

export interface RunningLoad {
  /** Resolves once at least n responses have come back. */
  waitForResponses(n: number): Promise<void>;
  stop(): Promise<LoadResult>;
  readonly ok: number;
}

export function startLoad(opts: LoadOptions): RunningLoad {
  const started = Date.now();
  const result: LoadResult = { ok: 0, failed: 0, errors: {}, bodies: new Map(), durationMs: 0 };
  let running = true;
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const hardStop = setTimeout(() => {
    running = false;
  }, opts.maxDurationMs);

  const fail = (kind: string) => {
    result.failed += 1;
    result.errors[kind] = (result.errors[kind] ?? 0) + 1;
  };

  const client = async () => {
    const agent = new http.Agent({ keepAlive: opts.keepAlive, maxSockets: 1 });
    while (running) {
      await new Promise<void>((resolve) => {
        const req = http.request(
          {
            host: '127.0.0.1',
            port: opts.port,
            path: opts.path ?? '/',
            agent,
            headers: opts.keepAlive ? {} : { connection: 'close' },
            timeout: opts.timeoutMs ?? 5000,
          },
          (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (d) => {
              body += d;
            });
            res.on('end', () => {
              if (res.statusCode === 200) {
                result.ok += 1;
                result.bodies.set(body, (result.bodies.get(body) ?? 0) + 1);
                for (const w of waiters.filter((x) => result.ok >= x.n)) {
                  waiters.splice(waiters.indexOf(w), 1);
                  w.resolve();
                }
              } else fail(`HTTP ${res.statusCode}`);
              resolve();
            });
            res.on('error', (e) => {
              fail((e as NodeJS.ErrnoException).code ?? e.message);
              resolve();
            });
          },
        );
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', (e) => {
          fail((e as NodeJS.ErrnoException).code ?? e.message);
          resolve();
        });
        req.end();
      });
    }
    agent.destroy();
  };

  const clients = Array.from({ length: opts.clients }, () => client());
  return {
    get ok() {
      return result.ok;
    },
    waitForResponses(n: number) {
      if (result.ok >= n) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
    async stop() {
      running = false;
      clearTimeout(hardStop);
      await Promise.all(clients);
      result.durationMs = Date.now() - started;
      return result;
    },
  };
}
