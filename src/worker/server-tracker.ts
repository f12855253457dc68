// Remembers every server the app starts listening on, so a drain can close them gracefully. It costs one
// Set insert per server and nothing per connection: the sockets of an HTTP server are read at drain time
// from the list Node's http server keeps anyway (for closeIdleConnections and its request timeouts),
// instead of being tracked here on every accept, which showed in new-connection-per-request throughput.
import type { Server as HttpServer } from 'node:http';
import net from 'node:net';
import { formatAddress } from '../protocol/listen-address.js';

export const servers = new Set<net.Server>();

function track(server: net.Server, onListening: ((address: string) => void) | null): void {
  if (servers.has(server)) return;
  servers.add(server);
  server.once('close', () => servers.delete(server));
  if (onListening) {
    server.on('listening', () => {
      const addr = server.address();
      if (addr) onListening(typeof addr === 'string' ? addr : formatAddress(addr));
    });
  }
}

/** Tracks every server; `onListening` (fork mode) hears of each address one starts listening on. */
export function installServerTracking(onListening: ((address: string) => void) | null): void {
  const listen = net.Server.prototype.listen;
  net.Server.prototype.listen = function patchedListen(this: net.Server, ...args: unknown[]) {
    track(this, onListening);
    return (listen as (...a: unknown[]) => net.Server).apply(this, args);
  } as typeof listen;
}

interface ConnectionsList {
  all(): Array<{ socket?: net.Socket | null }>;
}

/**
 * The open connections of an HTTP server, from Node's own list (the one closeAllConnections walks).
 * Null when this Node keeps no such list under the expected name; the drain then falls back to Node's
 * closeIdleConnections.
 */
export function openSockets(server: HttpServer): net.Socket[] | null {
  const key = Object.getOwnPropertySymbols(server).find((s) => s.description === 'http.server.connections');
  const list = key
    ? ((server as unknown as Record<symbol, unknown>)[key] as ConnectionsList | undefined)
    : undefined;
  if (!list || typeof list.all !== 'function') return null;
  return list.all().flatMap((parser) => (parser.socket ? [parser.socket] : []));
}
