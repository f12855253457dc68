// Crash to serving: kill -9 one cluster worker and time (a) until the manager's JSON list shows a
// replacement online (the list polled every 20 ms, as an operator's script would), and (b) until a pid
// that was not there before answers HTTP (a new probe every 5 ms on a new connection, not waiting for the
// earlier ones). A second pass probes
// HTTP only: the list polling costs a CPU-heavy CLI process per poll, which itself slows the restart.
import { waitForWorkers, watchForNewPid } from './lib/http-probe.js';
import { createManager, type Manager, type ManagerKind, startCluster, waitOnline } from './lib/managers.js';
import { app, freePort, killPid, nowMs, sleep } from './lib/processes.js';
import { fmtMs, median } from './lib/stats.js';
import type { PartContext, Table } from './options.js';

const LIST_INTERVAL_MS = 20;
const PROBE_INTERVAL_MS = 5;
const BOUND_MS = 20_000;
/** Past every manager's min_uptime, so each kill counts as a crash of a stable process. */
const SETTLE_MS = 1500;

export interface CrashRun {
  /** kill -9 to the list showing the replacement online (time the list command returned). */
  onlineMs: number | null;
  /** kill -9 to the first HTTP answer from a new pid. */
  httpMs: number | null;
  listPolls: number;
}

export interface CrashResult {
  workers: number;
  runs: Record<ManagerKind, { polled: CrashRun[]; httpOnly: CrashRun[] }>;
}

async function oneKill(m: Manager, port: number, i: number, pollList: boolean): Promise<CrashRun> {
  const procs = (await m.list()).filter((p) => p.name === 'hello' && p.pid !== null);
  const victim = procs[i % procs.length]!;
  const known = new Set(procs.map((p) => p.pid!));
  const watcher = watchForNewPid(port, known, { intervalMs: PROBE_INTERVAL_MS, timeoutMs: BOUND_MS });
  const t0 = nowMs();
  killPid(victim.pid!, 'SIGKILL');
  let onlineMs: number | null = null;
  let listPolls = 0;
  if (pollList) {
    while (nowMs() - t0 < BOUND_MS) {
      const res = await m.cli(m.listArgs, { timeoutMs: 10_000 });
      listPolls += 1;
      if (res.code === 0) {
        const entry = m.parseList(res.stdout).find((p) => p.id === victim.id);
        if (entry && entry.pid !== null && entry.pid !== victim.pid && entry.status === 'online') {
          onlineMs = nowMs() - t0;
          break;
        }
      }
      await sleep(LIST_INTERVAL_MS);
    }
  }
  const answered = await watcher.done;
  watcher.stop();
  return { onlineMs, httpMs: answered ? answered.at - t0 : null, listPolls };
}

export async function measureCrash(ctx: PartContext): Promise<CrashResult> {
  const { opts } = ctx;
  const runs = {} as CrashResult['runs'];
  for (const kind of ['pm2', 'shoal'] as const) {
    const m = createManager(kind, { shoalBin: opts.shoalBin });
    runs[kind] = { polled: [], httpOnly: [] };
    try {
      const port = await freePort();
      await startCluster(m, {
        name: 'hello',
        script: app('hello.js'),
        instances: opts.workers,
        env: { PORT: String(port) },
      });
      await waitOnline(m, 'hello', opts.workers);
      await waitForWorkers(port, opts.workers);
      for (const pollList of [true, false]) {
        for (let i = 0; i < opts.crashRuns; i++) {
          await sleep(SETTLE_MS);
          const run = await oneKill(m, port, i, pollList);
          (pollList ? runs[kind].polled : runs[kind].httpOnly).push(run);
          ctx.log(
            `  ${kind.padEnd(5)} ${pollList ? 'list polled' : 'HTTP only  '} run ${i + 1}: ` +
              `online in list ${fmtMs(run.onlineMs)}, new pid answers HTTP ${fmtMs(run.httpMs)}`,
          );
          // Back to full strength before the next kill.
          await waitOnline(m, 'hello', opts.workers);
        }
      }
    } finally {
      await m.shutdown();
    }
  }
  return { workers: opts.workers, runs };
}

const med = (runs: CrashRun[], key: 'onlineMs' | 'httpMs') => {
  const values = runs.map((r) => r[key]).filter((v): v is number => v !== null);
  return { median: median(values), missing: runs.length - values.length, all: values };
};

export function crashTable(r: CrashResult): Table {
  const rows: string[][] = [];
  for (const kind of ['pm2', 'shoal'] as const) {
    const x = r.runs[kind];
    if (!x) continue;
    const online = med(x.polled, 'onlineMs');
    const httpPolled = med(x.polled, 'httpMs');
    const httpOnly = med(x.httpOnly, 'httpMs');
    const cell = (s: ReturnType<typeof med>) =>
      `${fmtMs(s.median)}${s.missing > 0 ? ` (${s.missing} never)` : ''} [${s.all.map((v) => Math.round(v)).join(', ')}]`;
    rows.push([kind, cell(online), cell(httpPolled), cell(httpOnly)]);
  }
  return {
    title: 'Crash to serving (kill -9 of one worker, median of runs)',
    header: [
      'manager',
      'online in JSON list',
      'new pid answers HTTP (list polled)',
      'new pid answers HTTP (no polling)',
    ],
    rows,
    notes: [
      `${r.workers} workers, no load. The JSON list (\`shoal ls --json\` / \`pm2 jlist\`) is polled every ${LIST_INTERVAL_MS} ms ` +
        'after the previous call returned, so its figure includes one CLI call (see CLI speed); HTTP is probed every ' +
        `${PROBE_INTERVAL_MS} ms with a new connection, without waiting for earlier probes (one routed to the dying ` +
        'worker can hang until its timeout). Runs: [each, in ms].',
    ],
  };
}
