// The baseline every manager is compared with: Node's own cluster module and nothing else. Forks WORKERS
// copies of hello.js (round-robin scheduling, Node's default on Linux) and replaces none of them.
const cluster = require('node:cluster');
const { join } = require('node:path');

cluster.setupPrimary({ exec: join(__dirname, 'hello.js') });
const workers = Number(process.env.WORKERS ?? 2);
for (let i = 0; i < workers; i++) cluster.fork();
// The workers die with the primary; SIGTERM/SIGINT end the whole group promptly.
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGKILL');
    process.exit(0);
  });
}
