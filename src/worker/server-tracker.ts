// Remembers every server the app starts listening on, and for HTTP servers their open sockets, so a
// drain can close them gracefully. Costs one Set insert per server and per connection, nothing per request.
import { Server as HttpServer } from 'node:http';
import net from 'node:net';

export const servers = new Set<net.Server>();
export const socketsOf = new WeakMap<net.Server, Set<net.Socket>>();

function track(server: net.Server): void {
  if (servers.has(server)) return;
  servers.add(server);
  server.once('close', () => servers.delete(server));
  if (server instanceof HttpServer) {
    const sockets = new Set<net.Socket>();
    socketsOf.set(server, sockets);
    server.on('connection', (socket: net.Socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
  }
}

export function installServerTracking(): void {
  const listen = net.Server.prototype.listen;
  net.Server.prototype.listen = function patchedListen(this: net.Server, ...args: unknown[]) {
    track(this);
    return (listen as (...a: unknown[]) => net.Server).apply(this, args);
  } as typeof listen;
}
