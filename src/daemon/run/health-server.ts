// The probes of `shoal run --health-port`: GET /healthz answers 200 while the supervisor runs (its
// event loop turns), GET /readyz 200 only while every process of every app is online (ready), 503
// otherwise, with the processes that are not. Loopback by default; --health-host opens it wider on
// purpose (a Kubernetes kubelet probes the pod's IP).
import { createServer, type Server } from 'node:http';
import type { ProcessInfo } from '../../protocol/process-info.js';

export interface HealthServer {
  readonly port: number;
  close(): Promise<void>;
}

export interface Readiness {
  ready: boolean;
  /** Processes that keep the answer at 503, as "name (id N): status". */
  waiting: string[];
}

/** Ready: at least one process, and every process online. A stopping supervisor is never ready. */
export function readiness(processes: readonly Pick<ProcessInfo, 'id' | 'name' | 'status'>[]): Readiness {
  const waiting = processes
    .filter((p) => p.status !== 'online')
    .map((p) => `${p.name} (id ${p.id}): ${p.status}`);
  return { ready: processes.length > 0 && waiting.length === 0, waiting };
}

export function startHealthServer(host: string, port: number, probe: () => Readiness): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(`${JSON.stringify(body)}\n`);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, { error: 'GET only' });
    if (path === '/healthz') return send(200, { status: 'ok', pid: process.pid });
    if (path === '/readyz') {
      const r = probe();
      return send(r.ready ? 200 : 503, { status: r.ready ? 'ready' : 'not ready', waiting: r.waiting });
    }
    send(404, { error: 'not found: try /healthz or /readyz' });
  });
  server.headersTimeout = 5_000;
  server.requestTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address();
      resolve({
        port: typeof addr === 'object' && addr ? addr.port : port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
