// The dashboard's HTTP server: loopback only, one port, closed with the daemon. Listening problems
// (port taken, no permission) reject start so the caller can report them and carry on without it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface WebServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export const WEB_HOST = '127.0.0.1';

export function startWebServer(
  port: number,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<WebServer> {
  const server: Server = createServer(handler);
  // Slow or idle clients must not hold sockets forever; log streams send a heartbeat well within this.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, WEB_HOST, () => {
      server.off('error', reject);
      const addr = server.address();
      const bound = typeof addr === 'object' && addr ? addr.port : port;
      resolve({
        url: `http://${WEB_HOST}:${bound}/`,
        port: bound,
        close: () =>
          new Promise<void>((done) => {
            // Log streams never end on their own: cut every connection, then wait for the close.
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
