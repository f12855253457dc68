// Graceful drain of an app process, without app changes: stop accepting, let in-flight requests finish
// with "Connection: close" so keep-alive clients reconnect elsewhere instead of hitting a reset, close
// idle keep-alive sockets once they stayed idle a moment, then run the app's shutdown hooks.
import { type IncomingMessage, Server as HttpServer, type ServerResponse } from 'node:http';
import type net from 'node:net';
import { openSockets, servers } from './server-tracker.js';

/** An idle keep-alive socket gets this long to bring one more request (answered with Connection: close). */
const IDLE_GRACE_MS = 250;

type SocketWithResponse = net.Socket & { _httpMessage?: ServerResponse | null };

function markClosing(_req: IncomingMessage, res: ServerResponse): void {
  // Node then writes "Connection: close" and closes the socket after this response.
  res.shouldKeepAlive = false;
}

function drainHttp(server: HttpServer): void {
  server.prependListener('request', markClosing);
  // Node's close() would drop idle keep-alive sockets at once, racing a request the client may be
  // sending on one right now; we close them ourselves after a grace period instead.
  const closeIdleNow = server.closeIdleConnections.bind(server);
  server.closeIdleConnections = () => {};
  const sockets = openSockets(server);
  if (sockets === null) {
    setTimeout(closeIdleNow, IDLE_GRACE_MS).unref();
    return;
  }
  for (const socket of sockets) {
    const s = socket as SocketWithResponse;
    const res = s._httpMessage;
    if (res) {
      if (!res.headersSent) res.shouldKeepAlive = false;
      else res.once('finish', () => s.end());
      continue;
    }
    const timer = setTimeout(() => {
      if (!s._httpMessage) s.end();
    }, IDLE_GRACE_MS);
    timer.unref();
    s.once('close', () => clearTimeout(timer));
  }
}

/** Closes every tracked server; resolves when they are all closed (connections finished) or at the deadline. */
export function drainServers(deadline: number): Promise<void> {
  const closing = [...servers].map(
    (server) =>
      new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        if (server instanceof HttpServer) drainHttp(server);
        server.close(() => resolve());
      }),
  );
  const left = Math.max(0, deadline - Date.now());
  return Promise.race([
    Promise.all(closing).then(() => {}),
    new Promise<void>((r) => setTimeout(r, left).unref()),
  ]);
}

/** At the deadline, whatever is still open goes, so the process can exit on its own terms. */
export function destroyRemainingSockets(): void {
  for (const server of servers) {
    if (server instanceof HttpServer) for (const s of openSockets(server) ?? []) s.destroy();
  }
}
