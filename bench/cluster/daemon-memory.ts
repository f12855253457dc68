// Memory of the supervisor after it settled: PM2's God daemon versus the Shoal daemon, idle, with one
// cluster app (N workers) and with 50 fork sleepers, each as RSS and as private memory (smaps_rollup).
// Shoal runs each cluster app under its own primary process, which PM2 does not have (PM2's God daemon
// is the cluster primary), so the primary is reported beside the daemon and in the total, not hidden.
import { waitForWorkers } from './lib/http-probe.js';
import { createManager, type ManagerKind, startCluster, waitOnline } from './lib/managers.js';
import { bareNodeMemory, type MemoryReading, type ProcMemory, readMemory } from './lib/memory-reading.js';
import { app, freePort, sleep, waitFor } from './lib/processes.js';
import { fmtMb } from './lib/stats.js';
import type { PartContext, Table } from './options.js';

const SETTLE_MS = 3000;
/** Issue 16's bound on each cluster primary's private memory. */
export const PRIMARY_PRIVATE_GOAL_KB = 10 * 1024;

export interface MemoryResult {
  workers: number;
  forkApps: number;
  /** A bare `node -e 'setInterval(...)'`: the floor of any Node process on this machine. */
  bareNode?: ProcMemory | null;
  managers: Record<ManagerKind, { idle?: MemoryReading; cluster: MemoryReading; fork: MemoryReading }>;
}

const mb = (m: ProcMemory | null | undefined) =>
  m ? `${fmtMb(m.rssKb)} RSS, ${fmtMb(m.privateKb)} private` : 'n/a';

export async function measureMemory(ctx: PartContext): Promise<MemoryResult> {
  const { opts } = ctx;
  const managers = {} as MemoryResult['managers'];
  const bareNode = await bareNodeMemory(SETTLE_MS);
  ctx.log(`  bare node: ${mb(bareNode)}`);
  for (const kind of ['pm2', 'shoal'] as const) {
    let idle: MemoryReading;
    let cluster: MemoryReading;
    const c = createManager(kind, { shoalBin: opts.shoalBin });
    try {
      await c.ok(['ping'], { timeoutMs: 30_000 });
      await sleep(SETTLE_MS);
      idle = await readMemory(c, null);
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
      `  ${kind.padEnd(5)} idle: daemon ${mb(idle.daemon)}; cluster: daemon ${mb(cluster.daemon)}` +
        `${kind === 'shoal' ? `, primary ${mb(cluster.primary)}` : ''}; ${opts.forkApps} fork apps: daemon ${mb(fork.daemon)}`,
    );
    managers[kind] = { idle, cluster, fork };
  }
  return { workers: opts.workers, forkApps: opts.forkApps, bareNode, managers };
}

const rss = (x: MemoryReading) => x.daemon?.rssKb ?? x.daemonKb;

/** The memory goals of issue 16, met or missed, with the figures. */
export function memoryChecks(r: MemoryResult): string[] {
  const out: string[] = [];
  const pm2 = r.managers.pm2;
  const shoal = r.managers.shoal;
  if (!pm2 || !shoal) return out;
  for (const [label, key] of [
    ['idle', 'idle'],
    [`1 cluster app x${r.workers}`, 'cluster'],
    [`${r.forkApps} fork apps`, 'fork'],
  ] as const) {
    const s = shoal[key];
    const p = pm2[key];
    if (!s || !p) continue;
    const sk = rss(s);
    const pk = rss(p);
    if (sk === null || pk === null) continue;
    out.push(
      `${sk <= pk ? 'met' : 'MISSED'}: daemon RSS <= PM2's God daemon, ${label} (Shoal ${fmtMb(sk)}, PM2 ${fmtMb(pk)})`,
    );
  }
  const primary = shoal.cluster.primary;
  if (primary)
    out.push(
      `${primary.privateKb <= PRIMARY_PRIVATE_GOAL_KB ? 'met' : 'MISSED'}: cluster primary <= 10 MB private ` +
        `(${fmtMb(primary.privateKb)} private, ${fmtMb(primary.rssKb)} RSS` +
        `${r.bareNode ? `; a bare node process: ${fmtMb(r.bareNode.privateKb)} private` : ''})`,
    );
  return out;
}

export function memoryTable(r: MemoryResult): Table {
  const rows: string[][] = [];
  const cell = (m: ProcMemory | null | undefined, rssOnly: number | null) =>
    m ? `${fmtMb(m.rssKb)} / ${fmtMb(m.privateKb)}` : fmtMb(rssOnly);
  for (const [label, key] of [
    ['daemon idle', 'idle'],
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
        cell(x.daemon, x.daemonKb),
        key === 'cluster'
          ? kind === 'pm2'
            ? 'none (God is the primary)'
            : cell(x.primary, x.primaryKb)
          : '-',
        fmtMb(total),
        key === 'idle' ? '-' : `${fmtMb(x.appsKb)} (${x.apps} processes)`,
      ]);
    }
  }
  return {
    title: 'Daemon memory (RSS / private from /proc after settling)',
    header: [
      'apps',
      'supervisor',
      'daemon RSS / private',
      'per-app primary RSS / private',
      'supervision RSS total',
      'app processes RSS',
    ],
    rows,
    notes: [
      `Read ${SETTLE_MS / 1000} s after every process was online, once per configuration (RSS varies by a few MB run to run). ` +
        'Private is Private_Clean + Private_Dirty of /proc/PID/smaps_rollup: what the process alone costs, without the ' +
        'pages of the node binary and libraries it shares with every other Node process. ' +
        "Shoal's per-app primary is a process PM2 does not have: it is counted in Shoal's supervision total." +
        (r.bareNode
          ? ` A bare \`node -e 'setInterval(() => {}, 1000)'\` read the same way: ${fmtMb(r.bareNode.rssKb)} RSS / ${fmtMb(r.bareNode.privateKb)} private.`
          : ''),
      ...memoryChecks(r),
    ],
  };
}
