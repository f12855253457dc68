// A leaner HTTP/1.1 load generator with the same API as test/helpers/load.ts, for throughput: N clients,
// one request at a time each, written as a prebuilt buffer on a bare TCP socket and answered by a minimal
// response parser. On a 2-core box the generator shares the CPU with the server; Node's http client
// costs about as much per request as the server does, this costs a fraction, so more of the CPU goes to
// the thing measured. Response bodies are not kept (LoadResult.bodies stays empty).
import net from 'node:net';
import type { LoadOptions, LoadResult, RunningLoad } from '../../../test/helpers/load.js';

const HEADER_END = '\r\n\r\n';

export function startRawLoad(opts: LoadOptions): RunningLoad {
  const started = Date.now();
  const result: LoadResult = { ok: 0, failed: 0, errors: {}, bodies: new Map(), durationMs: 0 };
  const request = Buffer.from(
    `GET ${opts.path ?? '/'} HTTP/1.1\r\nHost: 127.0.0.1:${opts.port}\r\n` +
      (opts.keepAlive ? '' : 'Connection: close\r\n') +
      '\r\n',
    'latin1',
  );
  const timeoutMs = opts.timeoutMs ?? 5000;
  let running = true;
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const hardStop = setTimeout(() => {
    running = false;
  }, opts.maxDurationMs);

  const succeed = () => {
    result.ok += 1;
    if (waiters.length === 0) return;
    for (const w of waiters.filter((x) => result.ok >= x.n)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  const fail = (kind: string) => {
    result.failed += 1;
    result.errors[kind] = (result.errors[kind] ?? 0) + 1;
  };

  const client = () =>
    new Promise<void>((done) => {
      let socket: net.Socket | null = null;
      let inFlight = false;
      let buf = '';
      let lastError: string | null = null;
      let timer: NodeJS.Timeout | null = null;

      const next = () => {
        if (!running) {
          socket?.destroy();
          done();
          return;
        }
        if (socket === null) connect();
        inFlight = true;
        buf = '';
        timer = setTimeout(() => {
          lastError = 'timeout';
          socket?.destroy();
        }, timeoutMs);
        socket!.write(request);
      };

      const connect = () => {
        lastError = null;
        const s = net.connect(opts.port, '127.0.0.1');
        s.setNoDelay(true);
        s.on('data', (chunk: Buffer) => {
          if (!inFlight) return;
          buf += chunk.toString('latin1');
          const complete = parse(buf);
          if (complete === null) return;
          inFlight = false;
          if (timer) clearTimeout(timer);
          if (complete.status === 200) succeed();
          else fail(`HTTP ${complete.status}`);
          // With "Connection: close" the server closes first (as with Node's client); wait for that,
          // within the request timeout.
          if (!opts.keepAlive || complete.close) {
            timer = setTimeout(() => s.destroy(), timeoutMs);
            return;
          }
          next();
        });
        s.on('error', (err: NodeJS.ErrnoException) => {
          lastError = err.code ?? err.message;
        });
        s.on('close', () => {
          if (socket !== s) return;
          socket = null;
          if (timer) clearTimeout(timer);
          if (inFlight) {
            inFlight = false;
            fail(lastError ?? 'socket closed before the response');
          }
          next();
        });
        socket = s;
      };

      next();
    });

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

/** A complete response's status and whether the server will close, or null while bytes are missing. */
function parse(buf: string): { status: number; close: boolean } | null {
  const end = buf.indexOf(HEADER_END);
  if (end === -1) return null;
  const head = buf.slice(0, end).toLowerCase();
  const status = Number(head.slice(9, 12));
  const close = head.includes('\r\nconnection: close');
  const length = /\r\ncontent-length:\s*(\d+)/.exec(head);
  if (length) return buf.length - end - HEADER_END.length >= Number(length[1]) ? { status, close } : null;
  if (head.includes('\r\ntransfer-encoding: chunked'))
    return buf.endsWith('0\r\n\r\n') ? { status, close } : null;
  // Neither: the body runs to the end of the connection; the 'close' handler would count it as failed,
  // which the hello app never triggers (Node always sends a length or chunks).
  return null;
}
