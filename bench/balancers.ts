// Balancers side by side in one run: new-connection and keep-alive throughput of Node's own round-robin
// cluster and of Shoal with each balancer (2 workers, hello app), and how evenly worker CPU is spread
// with long-lived connections of uneven weight under round-robin and least-connections. Usage:
//   npm run bench:balancers -- [--rounds 3] [--window 5000] [--write]
// --write replaces the "Balancers" section of bench/RESULTS.md with this run's tables.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { waitForWorkers } from './cluster/lib/http-probe.js';
import { measureWindow } from './cluster/lib/load-remote.js';
import { createManager } from './cluster/lib/managers.js';
import { app, freePort, onCleanup, ROOT, runCleanups } from './cluster/lib/processes.js';
import { median } from './cluster/lib/stats.js';
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const { values: opt } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    window: { type: 'string', default: '5000' },
    write: { type: 'boolean', default: false },
  },
});
const ROUNDS = Number(opt.rounds);
const WINDOW_MS = Number(opt.window);
const SHOAL_BIN = join(ROOT, 'bin', 'shoal.js');
// ip-hash is left out of the throughput table: from the generator's one address it is one worker by
// design. Its distribution is the same code as least-connections', which stands for both.
const TARGETS = ['node-rr', 'round-robin', 'kernel', 'least-connections'] as const;
type Target = (typeof TARGETS)[number];
const MODES = ['new connection', 'keep-alive'] as const;

interface Running {
  port: number;
  workerPids: number[];
  /** The process holding the listening socket: Node's cluster primary, or Shoal's primary of the app. */
  primaryPid: number;
  stop(): Promise<void>;
}

async function start(target: Target, script: string): Promise<Running> {
  const port = await freePort();
  if (target === 'node-rr') {
    const child = spawn(process.execPath, [app('raw-cluster.js')], {
      env: { ...process.env, PORT: String(port), WORKERS: '2' },
      stdio: 'ignore',
      detached: true,
    });
    const unregister = onCleanup('raw cluster', () => child.kill('SIGKILL'));
    const workerPids = await waitForWorkers(port, 2);
    return {
      port,
      workerPids,
      primaryPid: child.pid!,
      stop: async () => {
        unregister();
        child.kill('SIGTERM');
      },
    };
  }
  const m = createManager('shoal', { shoalBin: SHOAL_BIN });
  await m.ok(['start', script || app('hello.js'), '--name', 'b', '-i', '2', '--balancer', target], {
    env: { PORT: String(port) },
    timeoutMs: 60_000,
  });
  const workerPids = await waitForWorkers(port, 2);
  return { port, workerPids, primaryPid: parentOf(workerPids[0]!), stop: () => m.shutdown() };
}

/** Fields of /proc/<pid>/stat after the command name (state is [0]). */
const statOf = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
/** CPU time (ms) of a process from /proc/<pid>/stat. */
const cpuMs = (pid: number) => ((Number(statOf(pid)[11]) + Number(statOf(pid)[12])) * 1000) / 100;
const parentOf = (pid: number) => Number(statOf(pid)[1]);

/** A keep-alive client sending `path` back to back until stopped. */
function client(port: number, path: string, agent: http.Agent, running: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const next = () => {
      if (!running()) return resolve();
      http
        .get({ host: '127.0.0.1', port, path, agent }, (res) => {
          res.resume();
          res.on('end', next);
        })
        .on('error', () => resolve());
    };
    next();
  });
}

/**
 * Four heavy clients (10 ms of CPU per request) on long-lived connections opened one by one, with a
 * short light connection between each (as real traffic interleaves them), plus light clients that
 * open a new connection per request. Returns the max/min ratio of the two workers' CPU in the window.
 */
async function cpuSpread(target: 'round-robin' | 'least-connections'): Promise<number> {
  const r = await start(target, app('spin.js'));
  let on = true;
  const running = () => on;
  const clients: Promise<void>[] = [];
  try {
    for (let i = 0; i < 4; i++) {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      clients.push(client(r.port, '/spin/10', agent, running));
      await new Promise((res) => setTimeout(res, 50));
      await new Promise<void>((res) =>
        http.get({ host: '127.0.0.1', port: r.port, path: '/spin/1', agent: false }, (x) =>
          x.resume().on('end', res),
        ),
      );
    }
    for (let i = 0; i < 2; i++)
      clients.push(client(r.port, '/spin/1', new http.Agent({ keepAlive: false }), running));
    await new Promise((res) => setTimeout(res, 1000));
    const a = r.workerPids.map(cpuMs);
    await new Promise((res) => setTimeout(res, WINDOW_MS));
    const used = r.workerPids.map((pid, i) => cpuMs(pid) - a[i]!);
    on = false;
    await Promise.all(clients);
    return Math.max(...used) / Math.max(1, Math.min(...used));
  } finally {
    on = false;
    await r.stop();
  }
}

const loadBefore = loadavg()[0]!;
const rps = new Map<string, number[]>();
const primaryUs = new Map<string, number[]>();
for (let round = 0; round < ROUNDS; round++) {
  const order = TARGETS.map((_, i) => TARGETS[(i + round) % TARGETS.length]!);
  for (const target of order) {
    const r = await start(target, '');
    try {
      for (const mode of MODES) {
        // The primary's CPU per request in the window: with a new connection per request, what the
        // distribution itself costs, steadier on a shared machine than throughput.
        let primaryStart = 0;
        let primaryUsed = 0;
        const w = await measureWindow(
          {
            generator: 'raw',
            port: r.port,
            clients: 8,
            keepAlive: mode === 'keep-alive',
            maxDurationMs: WINDOW_MS + 40_000,
            timeoutMs: 5000,
          },
          1,
          1000,
          WINDOW_MS,
          {
            begin: () => (primaryStart = cpuMs(r.primaryPid)),
            end: () => (primaryUsed = cpuMs(r.primaryPid) - primaryStart),
          },
        );
        const key = `${target}|${mode}`;
        rps.set(key, [...(rps.get(key) ?? []), w.rps]);
        const perRequest = (primaryUsed * 1000) / Math.max(1, w.requests);
        primaryUs.set(key, [...(primaryUs.get(key) ?? []), perRequest]);
        console.log(
          `round ${round + 1} ${target} ${mode}: ${Math.round(w.rps)} req/s, ${w.failed} failed, primary ${perRequest.toFixed(0)} µs/request`,
        );
      }
    } finally {
      await r.stop();
    }
  }
}
const spread: Record<string, number[]> = { 'round-robin': [], 'least-connections': [] };
for (let round = 0; round < ROUNDS; round++) {
  for (const t of ['round-robin', 'least-connections'] as const) {
    const s = await cpuSpread(t);
    spread[t]!.push(s);
    console.log(`round ${round + 1} ${t}: worker CPU max/min ${s.toFixed(2)}`);
  }
}
await runCleanups(true);
const loadAfter = loadavg()[0]!;

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const med = (k: string) => median(rps.get(k) ?? []) ?? 0;
const label: Record<Target, string> = {
  'node-rr': "Node's cluster, round-robin (baseline)",
  'round-robin': 'Shoal, balancer round-robin (default)',
  kernel: 'Shoal, balancer kernel',
  'least-connections': 'Shoal, balancer least-connections',
};
const usMed = (k: string) => median(primaryUs.get(k) ?? []) ?? 0;
const primaryRows = TARGETS.filter((t) => t !== 'kernel').map(
  (t) =>
    `| ${label[t]} | ${fmt(usMed(`${t}|new connection`))} (${(usMed(`${t}|new connection`) / usMed('node-rr|new connection')).toFixed(2)}x) | ${(primaryUs.get(`${t}|new connection`) ?? []).map(fmt).join(', ')} |`,
);
const rows = TARGETS.map(
  (t) =>
    `| ${label[t]} | ${MODES.map((m) => `${fmt(med(`${t}|${m}`))} (${(med(`${t}|${m}`) / med(`node-rr|${m}`)).toFixed(2)}x)`).join(' | ')} |`,
);
const section = `## Balancers

\`npm run bench:balancers -- --rounds ${ROUNDS} --window ${WINDOW_MS}\` (bench/balancers.ts)

Machine: ${availableParallelism()} CPUs (nproc), ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}. Load average (1 min)
${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after (the machine is shared). 2 workers of the hello app per
configuration, 8 clients of the bare-socket generator, ${WINDOW_MS / 1000} s windows after 1 s of warm-up, medians of ${ROUNDS}
rounds with the order rotated each round; ratios against Node's own round-robin cluster in the same run.
least-connections stands for Shoal's own distribution (ip-hash shares its code; from the generator's one
client address ip-hash is one worker by design).

| configuration | new connection req/s | keep-alive req/s |
| --- | ---: | ---: |
${rows.join('\n')}

CPU time of the process that holds the listening socket (Node's primary, Shoal's primary of the app) per
request with a new connection per request, from /proc/<pid>/stat (10 ms ticks) over the same windows: what
the distribution itself costs, less moved by other load than throughput. (kernel leaves it off the path.)

| configuration | primary µs per request (median) | rounds |
| --- | ---: | --- |
${primaryRows.join('\n')}

Worker CPU spread with uneven long-lived connections (spin app: four keep-alive clients costing 10 ms of
CPU per request, opened one by one with a short light request between them, plus two light clients
with a new connection per request; max/min of the two workers' CPU over the window, 1.00 is even):

| balancer | max/min worker CPU (median) | rounds |
| --- | ---: | --- |
| round-robin | ${(median(spread['round-robin']!) ?? 0).toFixed(2)} | ${spread['round-robin']!.map((s) => s.toFixed(2)).join(', ')} |
| least-connections | ${(median(spread['least-connections']!) ?? 0).toFixed(2)} | ${spread['least-connections']!.map((s) => s.toFixed(2)).join(', ')} |
`;
console.log(`\n${section}`);
if (opt.write) {
  const file = new URL('./RESULTS.md', import.meta.url).pathname;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n';
  const startAt = current.indexOf('\n## Balancers\n');
  let next: string;
  if (startAt < 0) next = `${current.trimEnd()}\n\n${section}`;
  else {
    const end = current.indexOf('\n## ', startAt + 1);
    next = `${current.slice(0, startAt + 1)}${section}${end < 0 ? '' : `\n${current.slice(end + 1)}`}`;
  }
  writeFileSync(file, next);
  console.log(`wrote the "Balancers" section of ${file}`);
}
process.exit(0);
