// The notes example: a stateless HTTP API meant to run as many workers (see README.md). Start it with
// `npx shoal start examples/notes/ecosystem.config.cjs`, or alone with `node examples/notes/server.js`.
import { createServer } from 'node:http';
import { onShutdown, ready, store } from 'shoal/runtime';
import { handle } from './routes.js';

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';

const server = createServer((req, res) => void handle(req, res));

server.listen(port, host, () => {
  console.log(`notes: listening on http://${host}:${port} (pid ${process.pid}, store: ${store.kind})`);
  // With wait_ready, Shoal sends traffic to this worker (and a reload moves on) only from here.
  ready();
});

// On stop or reload: finish in-flight requests, then close the store connection. Under Shoal this runs
// during the drain, bounded by kill_timeout; under plain node, on SIGINT/SIGTERM.
onShutdown(async () => {
  await new Promise((resolve) => server.close(() => resolve()));
  await store.close();
});
