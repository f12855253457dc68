// Shared-store throughput: operations per second from 4 cluster workers on the embedded store (hosted
// here, as the cluster primary hosts it), on the Redis store, and with a plain ioredis client doing the
// same work (the baseline the ratios are against). Rounds rotate the order of the targets so drifting
// machine load does not favour one. Usage:
//   npm run bench:store -- [--ops 20000] [--concurrency 32] [--workers 4] [--rounds 3] [--write]
// --write replaces the "Shared store" section of bench/RESULTS.md with this run's table.
import cluster, { type Worker } from 'node:cluster';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
// The built host, as the cluster primary runs it (npm run bench:store builds it first).
import { StoreHost } from '../dist/store/store-host.js';
import { startRedis } from '../test/helpers/redis.js';

const TARGETS = ['embedded', 'redis-store', 'ioredis'] as const;
type Target = (typeof TARGETS)[number];

const { values: opt } = parseArgs({
  options: {
    ops: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '32' },
    workers: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    write: { type: 'boolean', default: false },
  },
});
const OPS = Number(opt.ops);
const CONCURRENCY = Number(opt.concurrency);
const WORKERS = Number(opt.workers);
const ROUNDS = Number(opt.rounds);

const cleanups: Array<() => unknown> = [];
const redis = await startRedis({ after: (fn: () => unknown) => cleanups.push(fn) });

cluster.setupPrimary({
  exec: new URL('./store-worker.ts', import.meta.url).pathname,
  execArgv: ['--import', 'tsx'],
  silent: false,
});

/** One measurement: W workers, each OPS operations; ops/s over the wall time from "go" to the last "done". */
async function measure(target: Target): Promise<number> {
  const host = target === 'embedded' ? new StoreHost() : null;
  const env = {
    BENCH_TARGET: target,
    BENCH_OPS: String(OPS),
    BENCH_CONCURRENCY: String(CONCURRENCY),
    BENCH_REDIS_URL: redis.url,
    SHOAL_APP_NAME: 'bench',
    SHOAL_STORE_URL: target === 'redis-store' ? redis.url : '',
  };
  const workers: Worker[] = Array.from({ length: WORKERS }, () => cluster.fork(env));
  let ready = 0;
  let done = 0;
  let started = 0n;
  const finished = new Promise<number>((resolve, reject) => {
    for (const w of workers) {
      const peer = { id: w.process.pid!, send: (m: unknown) => w.send(m as object) };
      w.on('error', () => {});
      w.on('exit', (code) => {
        host?.removePeer(peer.id);
        if (code !== 0 && done < WORKERS) reject(new Error(`a ${target} worker exited with ${code}`));
      });
      w.on('message', (m: { type?: string }) => {
        if (host?.handle(peer, m)) return;
        if (m?.type === 'bench:ready' && ++ready === WORKERS) {
          started = process.hrtime.bigint();
          for (const x of workers) x.send({ type: 'bench:go' });
        }
        if (m?.type === 'bench:done' && ++done === WORKERS) {
          resolve(Number(process.hrtime.bigint() - started) / 1e6);
        }
      });
    }
  });
  const ms = await finished;
  await Promise.all(workers.map((w) => (w.isDead() ? undefined : new Promise((r) => w.once('exit', r)))));
  await host?.close();
  return (OPS * WORKERS) / (ms / 1000);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const results = new Map<Target, number[]>(TARGETS.map((t) => [t, []]));
const loadBefore = loadavg()[0]!;
try {
  for (let round = 0; round < ROUNDS; round++) {
    const order = TARGETS.map((_, i) => TARGETS[(i + round) % TARGETS.length]!);
    for (const target of order) {
      const rate = await measure(target);
      results.get(target)!.push(rate);
      console.log(
        `round ${round + 1}: ${target.padEnd(12)} ${Math.round(rate).toLocaleString('en-US')} ops/s`,
      );
    }
  }
} finally {
  for (const fn of cleanups) await fn();
}
const loadAfter = loadavg()[0]!;

const baseline = median(results.get('ioredis')!);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const label: Record<Target, string> = {
  embedded: 'shoal/runtime store, embedded (IPC to the primary)',
  'redis-store': 'shoal/runtime store, Redis backend',
  ioredis: 'plain ioredis client (baseline)',
};
const rows = TARGETS.map(
  (t) =>
    `| ${label[t]} | ${fmt(median(results.get(t)!))} | ${(median(results.get(t)!) / baseline).toFixed(2)} | ${results
      .get(t)!
      .map(fmt)
      .join(', ')} |`,
);
const machine = `${availableParallelism()} CPUs (nproc), ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`;
const section = `## Shared store

\`npm run bench:store -- --ops ${OPS} --concurrency ${CONCURRENCY} --workers ${WORKERS} --rounds ${ROUNDS}\`

${WORKERS} cluster workers, each running ${fmt(OPS)} operations with ${CONCURRENCY} calls in flight: half
\`incr\` on 64 shared counters, a quarter \`set\` and a quarter \`get\` of a small JSON object. Redis is a
local \`redis-server\` without persistence. Ratios are against the plain ioredis client doing the same
work from the same workers; medians of ${ROUNDS} rounds, targets rotated each round.

Machine: ${machine}. Load average (1 min) ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after
(other work shared the machine).

| target | ops/s (median) | ratio to ioredis | rounds |
| --- | ---: | ---: | --- |
${rows.join('\n')}

Reading: every embedded-store call travels over Node's IPC channel to the app's primary, one JavaScript
process that answers all workers, with the calls of one worker's event-loop turn in one message each
way; Redis is a TCP round trip per call to a C server. Both sides run the built package (dist/), as
apps and primaries do. The Redis backend adds argument checks and canonical JSON to what the plain
client does.
`;
console.log(`\n${section}`);

if (opt.write) {
  const file = new URL('./RESULTS.md', import.meta.url).pathname;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n';
  // Only this section is ours: replace it up to the next "## " heading, or append it.
  const start = current.indexOf('\n## Shared store\n');
  let next: string;
  if (start < 0) next = `${current.trimEnd()}\n\n${section}`;
  else {
    const end = current.indexOf('\n## ', start + 1);
    next = `${current.slice(0, start + 1)}${section}${end < 0 ? '' : `\n${current.slice(end + 1)}`}`;
  }
  writeFileSync(file, next);
  console.log(`wrote the "Shared store" section of ${file}`);
}
process.exit(0);
