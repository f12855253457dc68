// Resident memory of the supervisor, from /proc/PID/status, after it settled: PM2's God daemon versus the
// Shoal daemon, with one cluster app (N workers) and with 50 fork sleepers. Shoal runs each cluster app
// under its own primary process, which PM2 does not have (PM2's God daemon is the cluster primary), so
// the primary is reported beside the daemon and in the total, not hidden.
import { waitForWorkers } from './lib/http-probe.js';
import { createManager, type ManagerKind, startCluster, waitOnline } from './lib/managers.js';
import { type MemoryReading, readMemory } from './lib/memory-reading.js';
import { app, freePort, sleep, waitFor } from './lib/processes.js';
import { fmtMb } from './lib/stats.js';
import type { PartContext, Table } from './options.js';

const SETTLE_MS = 3000;

export interface MemoryResult {
  workers: number;
  forkApps: number;
  managers: Record<ManagerKind, { cluster: MemoryReading; fork: MemoryReading }>;
}

export async function measureMemory(ctx: PartContext): Promise<MemoryResult> {
  const { opts } = ctx;
  const managers = {} as MemoryResult['managers'];
  for (const kind of ['pm2', 'shoal'] as const) {
    let cluster: MemoryReading;
    const c = createManager(kind, { shoalBin: opts.shoalBin });
    try {
      const port = await freePort();
      await startCluster(c, {
        name: 'hello',
        script: app('hello.js'),
        instances: opts.workers,
        env: { PORT: String(port) },
      });
      await waitOnline(c, 'hello', opts.workers);
      await waitForWorkers(port, opts.workers);
      await sleep(SETTLE_MS);
      cluster = await readMemory(c, 'hello');
    } finally {
      await c.shutdown();
    }
    let fork: MemoryReading;
    const f = createManager(kind, { shoalBin: opts.shoalBin });
    try {
      await f.ok(['start', f.processFile(app('sleeper.js'), opts.forkApps)], { timeoutMs: 120_000 });
      await waitFor(
        `${opts.forkApps} fork apps online`,
        async () => (await f.list()).filter((p) => p.status === 'online').length >= opts.forkApps,
        { timeoutMs: 120_000, intervalMs: 200 },
      );
      await sleep(SETTLE_MS);
      fork = await readMemory(f, null);
    } finally {
      await f.shutdown();
    }
    ctx.log(
      `  ${kind.padEnd(5)} cluster: daemon ${fmtMb(cluster.daemonKb)}${kind === 'shoal' ? `, primary ${fmtMb(cluster.primaryKb)}` : ''}; ` +
        `${opts.forkApps} fork apps: daemon ${fmtMb(fork.daemonKb)}`,
    );
    managers[kind] = { cluster, fork };
  }
  return { workers: opts.workers, forkApps: opts.forkApps, managers };
}

export function memoryTable(r: MemoryResult): Table {
  const rows: string[][] = [];
  for (const [label, key] of [
    [`1 cluster app x${r.workers}`, 'cluster'],
    [`${r.forkApps} fork sleepers`, 'fork'],
  ] as const) {
    for (const kind of ['pm2', 'shoal'] as const) {
      const x = r.managers[kind]?.[key];
      if (!x) continue;
      const total = (x.daemonKb ?? 0) + (x.primaryKb ?? 0);
      rows.push([
        label,
        kind === 'pm2' ? 'PM2 God daemon' : 'Shoal daemon',
        fmtMb(x.daemonKb),
        key === 'cluster' ? (kind === 'pm2' ? 'none (God is the primary)' : fmtMb(x.primaryKb)) : '-',
        fmtMb(total),
        `${fmtMb(x.appsKb)} (${x.apps} processes)`,
      ]);
    }
  }
  return {
    title: 'Daemon memory (RSS from /proc after settling)',
    header: [
      'apps',
      'supervisor',
      'daemon RSS',
      'per-app primary RSS',
      'supervision total',
      'app processes RSS',
    ],
    rows,
    notes: [
      `Read ${SETTLE_MS / 1000} s after every process was online, once per configuration (RSS varies by a few MB run to run). ` +
        "Shoal's per-app primary is a process PM2 does not have: it is counted in Shoal's supervision total.",
    ],
  };
}
