// One cluster worker of the store benchmark (bench/store.ts): warms up, waits for "go", runs its share of
// a fixed operation mix with a fixed number of calls in flight, and reports how long that took.
// BENCH_TARGET picks the client: shoal/runtime's store (embedded or Redis, from SHOAL_STORE_URL) or a
// plain ioredis client doing the same work, the baseline.
import { Redis } from 'ioredis';
// The built package, as an app imports it (npm run bench:store builds it first).
import { createStore } from '../dist/runtime/index.js';

interface Client {
  incr(key: string): Promise<number>;
  set(key: string, value: unknown): Promise<void>;
  get(key: string): Promise<unknown>;
  close(): Promise<void>;
}

const target = process.env.BENCH_TARGET;
const ops = Number(process.env.BENCH_OPS);
const inFlight = Number(process.env.BENCH_CONCURRENCY);
const ns = 'shoal:bench:';

function rawRedis(): Client {
  // Defaults, as an app would use ioredis on its own.
  const r = new Redis(process.env.BENCH_REDIS_URL!);
  return {
    incr: (key) => r.incr(ns + key),
    set: async (key, value) => {
      await r.set(ns + key, JSON.stringify(value));
    },
    get: async (key) => {
      const v = await r.get(ns + key);
      return v === null ? null : JSON.parse(v);
    },
    close: async () => {
      await r.quit();
    },
  };
}

function shoalStore(): Client {
  const s = createStore({ app: 'bench', timeoutMs: 30_000 });
  return {
    incr: (key) => s.incr(key),
    set: (key, value) => s.set(key, value),
    get: (key) => s.get(key),
    close: () => s.close(),
  };
}

/** Half increments on 64 shared counters, a quarter writes and a quarter reads of small JSON objects. */
async function run(client: Client, count: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      const kind = i % 4;
      if (kind < 2) await client.incr(`c:${i % 64}`);
      else if (kind === 2)
        await client.set(`k:${process.pid}:${i % 256}`, { i, user: 'bench', tags: ['a', 'b'] });
      else await client.get(`k:${process.pid}:${(i - 1) % 256}`);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
}

const client = target === 'ioredis' ? rawRedis() : shoalStore();
await run(client, Math.min(2000, ops));
process.send?.({ type: 'bench:ready' });
process.on('message', async (m: { type?: string }) => {
  if (m?.type !== 'bench:go') return;
  const started = process.hrtime.bigint();
  await run(client, ops);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  process.send?.({ type: 'bench:done', ms });
  await client.close();
  process.disconnect();
});
