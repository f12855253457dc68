// How fast the CLI answers: `--version`; the JSON list with one cluster app (N workers) and with 50 fork
// apps; starting 50 fork apps from one process file; and a cold start (no daemon yet) of the hello app in
// cluster mode until it answers HTTP. Wall time from spawn to exit, peak RSS from /usr/bin/time.
import { probePid } from './lib/http-probe.js';
import { createManager, type Manager, type ManagerKind, startCluster, waitOnline } from './lib/managers.js';
import { app, type CmdResult, freePort, nowMs, pidAlive, sleep, TIME_BIN, waitFor } from './lib/processes.js';
import { fmtMb, fmtMs, median } from './lib/stats.js';
import type { PartContext, Table } from './options.js';

export interface Timing {
  medianMs: number | null;
  runsMs: number[];
  peakRssKb: number | null;
}

export interface ColdStart {
  /** Spawn of `start` to its exit. */
  cliMs: number;
  /** Spawn of `start` to the first HTTP answer. */
  httpMs: number | null;
}

export interface CliResult {
  workers: number;
  forkApps: number;
  managers: Record<
    ManagerKind,
    {
      version: Timing;
      /** Did `--version` leave a daemon running? */
      versionStartedDaemon: boolean;
      listCluster: Timing;
      listForkApps: Timing;
      startForkApps: { cliMs: number; allOnlineMs: number | null };
      cold: ColdStart[];
    }
  >;
}

async function timeRuns(m: Manager, args: string[], runs: number): Promise<Timing> {
  const results: CmdResult[] = [];
  for (let i = 0; i < runs; i++) {
    const res = await m.cli(args, { timeoutMs: 30_000, measureRss: TIME_BIN !== null });
    if (res.code !== 0)
      throw new Error(`${m.kind} ${args.join(' ')} exited ${res.code}: ${res.stderr.slice(-500)}`);
    results.push(res);
  }
  const rss = results.map((r) => r.peakRssKb).filter((v): v is number => v !== null);
  return {
    medianMs: median(results.map((r) => r.wallMs)),
    runsMs: results.map((r) => Math.round(r.wallMs)),
    peakRssKb: rss.length > 0 ? Math.max(...rss) : null,
  };
}

async function coldStart(ctx: PartContext, kind: ManagerKind): Promise<ColdStart> {
  const m = createManager(kind, { shoalBin: ctx.opts.shoalBin });
  try {
    const port = await freePort();
    const t0 = nowMs();
    const cli = startCluster(m, {
      name: 'hello',
      script: app('hello.js'),
      instances: ctx.opts.workers,
      env: { PORT: String(port) },
    });
    let httpMs: number | null = null;
    let cliDone = false;
    const cliResult = cli.finally(() => {
      cliDone = true;
    });
    // Probe until an answer, and at most 10 s past the CLI's return.
    let cliEnd = Number.POSITIVE_INFINITY;
    while (httpMs === null && nowMs() - t0 < 60_000 && nowMs() - cliEnd < 10_000) {
      if ((await probePid(port, 500)) !== null) httpMs = nowMs() - t0;
      else await sleep(10);
      if (cliDone && cliEnd === Number.POSITIVE_INFINITY) cliEnd = nowMs();
    }
    const res = await cliResult;
    return { cliMs: res.wallMs, httpMs };
  } finally {
    await m.shutdown();
  }
}

export async function measureCli(ctx: PartContext): Promise<CliResult> {
  const { opts } = ctx;
  const managers = {} as CliResult['managers'];
  for (const kind of ['pm2', 'shoal'] as const) {
    const fresh = createManager(kind, { shoalBin: opts.shoalBin });
    let version: Timing;
    let versionStartedDaemon: boolean;
    try {
      version = await timeRuns(fresh, ['--version'], opts.cliRuns);
      const pid = fresh.daemonPid();
      versionStartedDaemon = pid !== null && pidAlive(pid);
    } finally {
      await fresh.shutdown();
    }
    ctx.log(`  ${kind.padEnd(5)} --version ${fmtMs(version.medianMs)}`);

    const cold: ColdStart[] = [];
    for (let i = 0; i < opts.coldRuns; i++) {
      cold.push(await coldStart(ctx, kind));
      ctx.log(
        `  ${kind.padEnd(5)} cold start: CLI ${fmtMs(cold.at(-1)!.cliMs)}, HTTP answers ${fmtMs(cold.at(-1)!.httpMs)}`,
      );
    }

    const clusterHome = createManager(kind, { shoalBin: opts.shoalBin });
    let listCluster: Timing;
    try {
      const port = await freePort();
      await startCluster(clusterHome, {
        name: 'hello',
        script: app('hello.js'),
        instances: opts.workers,
        env: { PORT: String(port) },
      });
      await waitOnline(clusterHome, 'hello', opts.workers);
      await sleep(1000);
      listCluster = await timeRuns(clusterHome, clusterHome.listArgs, opts.cliRuns);
    } finally {
      await clusterHome.shutdown();
    }
    ctx.log(
      `  ${kind.padEnd(5)} ${clusterHome.listArgs.join(' ')} (${opts.workers} processes) ${fmtMs(listCluster.medianMs)}`,
    );

    const forkHome = createManager(kind, { shoalBin: opts.shoalBin });
    let listForkApps: Timing;
    let startForkApps: CliResult['managers'][ManagerKind]['startForkApps'];
    try {
      const file = forkHome.processFile(app('sleeper.js'), opts.forkApps);
      const t0 = nowMs();
      const start = await forkHome.ok(['start', file], { timeoutMs: 120_000 });
      let allOnlineMs: number | null = null;
      await waitFor(
        `${opts.forkApps} fork apps online`,
        async () => {
          const online = (await forkHome.list()).filter((p) => p.status === 'online').length;
          if (online >= opts.forkApps) allOnlineMs = nowMs() - t0;
          return online >= opts.forkApps;
        },
        { timeoutMs: 120_000, intervalMs: 100 },
      ).catch(() => {});
      startForkApps = { cliMs: start.wallMs, allOnlineMs };
      await sleep(1000);
      listForkApps = await timeRuns(forkHome, forkHome.listArgs, opts.cliRuns);
    } finally {
      await forkHome.shutdown();
    }
    ctx.log(
      `  ${kind.padEnd(5)} start ${opts.forkApps} fork apps: CLI ${fmtMs(startForkApps.cliMs)}, all online ${fmtMs(startForkApps.allOnlineMs)}; ` +
        `list ${fmtMs(listForkApps.medianMs)}`,
    );
    managers[kind] = { version, versionStartedDaemon, listCluster, listForkApps, startForkApps, cold };
  }
  return { workers: opts.workers, forkApps: opts.forkApps, managers };
}

export function cliTable(r: CliResult): Table {
  const rows: string[][] = [];
  const timing = (t: Timing) => [fmtMs(t.medianMs), fmtMb(t.peakRssKb), t.runsMs.join(', ')];
  const add = (what: string, get: (x: CliResult['managers'][ManagerKind]) => string[]) => {
    for (const kind of ['pm2', 'shoal'] as const)
      if (r.managers[kind]) rows.push([what, kind, ...get(r.managers[kind])]);
  };
  add('--version', (x) => [
    ...timing(x.version).slice(0, 2),
    `${timing(x.version)[2]}${x.versionStartedDaemon ? ' (started a daemon)' : ''}`,
  ]);
  add(`ls --json / jlist, 1 cluster app x${r.workers}`, (x) => timing(x.listCluster));
  add(`ls --json / jlist, ${r.forkApps} fork apps`, (x) => timing(x.listForkApps));
  add(`start ${r.forkApps} fork apps from one file`, (x) => [
    `${fmtMs(x.startForkApps.cliMs)} CLI, ${fmtMs(x.startForkApps.allOnlineMs)} all online`,
    '',
    'one run',
  ]);
  add(`cold start \`start hello.js -i ${r.workers}\` until HTTP answers`, (x) => [
    fmtMs(median(x.cold.filter((c) => c.httpMs !== null).map((c) => c.httpMs!))),
    '',
    `HTTP ${x.cold.map((c) => (c.httpMs === null ? 'never' : Math.round(c.httpMs))).join(', ')}; ` +
      `CLI returned ${x.cold.map((c) => Math.round(c.cliMs)).join(', ')}`,
  ]);
  return {
    title: 'CLI speed (wall time, median)',
    header: ['command', 'manager', 'median', 'peak RSS (CLI)', 'runs (ms)'],
    rows,
    notes: [
      'Each CLI is run as `node <bin> ...` (bin/shoal.js, node_modules/pm2/bin/pm2), wrapped in `/usr/bin/time -f %M` ' +
        'for the peak RSS (the wrapper adds about 1 ms). Cold start: a fresh home, no daemon, timed from spawning the ' +
        'CLI to the first HTTP answer, probing every 10 ms.',
    ],
  };
}
