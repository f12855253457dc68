// Reload under load, PM2 and Shoal in the same run: N reloads each under keep-alive load, with a new
// connection per request, and with keep-alive clients whose requests take 200 ms (DELAY_MS). Counts the
// requests that failed, by kind, and times each `reload` command. The load generator is the tests' own
// (test/helpers/load.ts, Node http clients, 5 s timeout), run in a separate process.
import { waitForWorkers } from './lib/http-probe.js';
import { RemoteLoad } from './lib/load-remote.js';
import { createManager, type ManagerKind, startCluster } from './lib/managers.js';
import { app, freePort, sleep } from './lib/processes.js';
import { fmtInt, fmtMs, median } from './lib/stats.js';
import type { PartContext, Table } from './options.js';

export const RELOAD_CASES = [
  { key: 'keep-alive', label: 'keep-alive', keepAlive: true, delayMs: 0 },
  { key: 'new-connection', label: 'new connection per request', keepAlive: false, delayMs: 0 },
  { key: 'slow-keep-alive', label: 'keep-alive, 200 ms requests', keepAlive: true, delayMs: 200 },
] as const;

export interface ReloadRun {
  manager: ManagerKind;
  case: string;
  ok: number;
  failed: number;
  errors: Record<string, number>;
  reloadWallMs: number[];
  medianReloadMs: number | null;
  /** Reloads whose command failed, or after which some worker was not replaced and online. */
  badReloads: string[];
  loadMs: number;
}

export type ReloadResult = { clients: number; workers: number; reloads: number; runs: ReloadRun[] };

async function reloadCase(
  ctx: PartContext,
  kind: ManagerKind,
  c: (typeof RELOAD_CASES)[number],
): Promise<ReloadRun> {
  const { opts } = ctx;
  const m = createManager(kind, { shoalBin: opts.shoalBin });
  try {
    const port = await freePort();
    await startCluster(m, {
      name: 'hello',
      script: app('hello.js'),
      instances: opts.workers,
      env: { PORT: String(port), DELAY_MS: String(c.delayMs) },
    });
    await waitForWorkers(port, opts.workers);
    const load = await RemoteLoad.start({
      generator: 'helper',
      port,
      clients: opts.clients,
      keepAlive: c.keepAlive,
      maxDurationMs: 300_000,
      timeoutMs: 5000,
    });
    const between = c.delayMs > 0 ? 20 : 200;
    const run: ReloadRun = {
      manager: kind,
      case: c.key,
      ok: 0,
      failed: 0,
      errors: {},
      reloadWallMs: [],
      medianReloadMs: null,
      badReloads: [],
      loadMs: 0,
    };
    try {
      await load.waitForResponses(c.delayMs > 0 ? 40 : 300, 30_000);
      for (let i = 0; i < opts.reloads; i++) {
        const before = (await m.list()).filter((p) => p.name === 'hello').map((p) => p.pid);
        const res = await m.cli(['reload', 'hello'], { timeoutMs: 120_000 });
        run.reloadWallMs.push(res.wallMs);
        if (res.code !== 0)
          run.badReloads.push(`reload ${i + 1} exited ${res.code}: ${res.stderr.trim().slice(-300)}`);
        const after = (await m.list()).filter((p) => p.name === 'hello');
        const replaced =
          after.length === opts.workers &&
          after.every((p) => p.status === 'online' && p.pid !== null && !before.includes(p.pid));
        if (!replaced)
          run.badReloads.push(`reload ${i + 1}: not every worker replaced and online right after`);
        // Keep the load going between reloads, so each reload starts under traffic.
        const base = (await load.mark()).ok;
        await sleep(1000);
        await load.waitForResponses(base + between, 30_000);
      }
    } finally {
      const res = await load.stop();
      run.ok = res.ok;
      run.failed = res.failed;
      run.errors = res.errors;
      run.loadMs = res.durationMs;
    }
    run.medianReloadMs = median(run.reloadWallMs);
    return run;
  } finally {
    await m.shutdown();
  }
}

export async function measureReload(ctx: PartContext): Promise<ReloadResult> {
  const runs: ReloadRun[] = [];
  let flip = false;
  for (const c of RELOAD_CASES) {
    // Alternate who goes first, so neither always runs on a machine warmed (or loaded) by the other.
    const order: ManagerKind[] = flip ? ['shoal', 'pm2'] : ['pm2', 'shoal'];
    flip = !flip;
    for (const kind of order) {
      const run = await reloadCase(ctx, kind, c);
      ctx.log(
        `  ${kind.padEnd(5)} ${c.label.padEnd(28)} failed ${run.failed} of ${run.ok + run.failed} ` +
          `${run.failed > 0 ? JSON.stringify(run.errors) : ''} reload ${run.reloadWallMs.map((x) => Math.round(x)).join('/')} ms` +
          (run.badReloads.length > 0 ? ` PROBLEMS: ${run.badReloads.join('; ')}` : ''),
      );
      runs.push(run);
    }
  }
  return { clients: ctx.opts.clients, workers: ctx.opts.workers, reloads: ctx.opts.reloads, runs };
}

export function reloadTable(r: ReloadResult): Table {
  const rows = RELOAD_CASES.flatMap((c) =>
    (['pm2', 'shoal'] as const).map((kind) => {
      const run = r.runs.find((x) => x.manager === kind && x.case === c.key);
      if (!run) return [c.label, kind, 'not run', '', '', '', '', ''];
      const kinds = Object.entries(run.errors)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ');
      return [
        c.label,
        kind,
        `${fmtInt(run.failed)}${run.failed > 0 ? ` (${kinds})` : ''}`,
        fmtInt(run.ok + run.failed),
        `${((100 * run.failed) / Math.max(1, run.ok + run.failed)).toFixed(2)} %`,
        fmtInt(run.loadMs > 0 ? (run.ok * 1000) / run.loadMs : null),
        fmtMs(run.medianReloadMs),
        run.badReloads.length === 0 ? 'ok' : run.badReloads.join('; '),
      ];
    }),
  );
  return {
    title: `Reload under load (${r.reloads} reloads per case, ${r.workers} workers)`,
    header: [
      'load',
      'manager',
      'failed requests',
      'total requests',
      'failed %',
      'req/s over the run',
      'reload wall (median)',
      'reloads',
    ],
    rows,
    notes: [
      `${r.clients} clients of test/helpers/load.ts (Node http, one request at a time each, 5 s timeout) in a separate ` +
        'process, from before the first reload to 1 s after the last (so the runs differ in length: "req/s over the ' +
        'run" compares them). "reload wall" is the `reload` command ' +
        'from spawn to exit; "reloads ok" means the command succeeded and every worker had a new pid and was online after it.',
    ],
  };
}
