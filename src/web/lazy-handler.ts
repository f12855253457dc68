// A request handler whose code is loaded on the first request. The dashboard listens from the daemon's
// start (its port and token are part of `shoal dashboard`), but most daemons are never asked a thing:
// the page, its API and /metrics (prom-client) stay out of the daemon's memory until someone asks.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ShoalError } from '../errors.js';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export function lazyHandler(load: () => Promise<RequestHandler>): RequestHandler {
  let loading: Promise<RequestHandler> | null = null;
  return (req, res) => {
    loading ??= load();
    // The request body waits in its stream meanwhile: nothing reads it before the handler does.
    loading.then(
      (handle) => handle(req, res),
      (err: unknown) => {
        loading = null; // the next request tries again
        if (res.headersSent) return void res.destroy();
        res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
        const why = `The dashboard could not be loaded: ${(err as Error)?.message ?? String(err)}`;
        res.end(JSON.stringify({ error: new ShoalError('SHOAL_ERR_INTERNAL', why).toJSON() }));
      },
    );
  };
}
