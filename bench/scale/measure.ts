// One scale scenario on one manager: start N processes from a process file (timed until the CLI returns
// and until all are online), the JSON list, the daemon's CPU while idle and its RSS with them running,
// then `stop all` and `delete all`. And the start/delete cycles that tell whether the daemon leaks.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnyManager } from '../cluster/lib/managers.js';
import { nowMs, rssKb, sleep, waitFor } from '../cluster/lib/processes.js';
import { median } from '../cluster/lib/stats.js';
import { grewMost, type HeapReading, heapOf } from './heap.js';

const CLK_TCK = 100;
const SETTLE_MS = 5_000;
/**
 * How long the daemon idles after the cycles before the last RSS reading. V8 returns the pages of a big
 * start's dead records only when its memory reducer runs, which takes tens of seconds of idling.
 */
const IDLE_AFTER_CYCLES_MS = 30_000;
const BIG_MS = 900_000;

export interface AppsSpec {
  label: string;
  count: number;
  /** The app entries, the same for both managers (PM2 reads the same JSON ecosystem file). */
  apps: Array<Record<string, unknown>>;
}

export function sleepApps(count: number): AppsSpec {
  const apps = Array.from({ length: count }, (_, i) => ({
    name: `sleep-${i}`,
    script: 'sleep',
    args: ['100000'],
    interpreter: 'none',
    exec_mode: 'fork',
  }));
  return { label: `${count} x sleep (interpreter none)`, count, apps };
}

export function nodeApps(count: number, script: string): AppsSpec {
  const apps = Array.from({ length: count }, (_, i) => ({ name: `node-${i}`, script, exec_mode: 'fork' }));
  return { label: `${count} x Node sleeper`, count, apps };
}

/** Ends the daemon's current CPU profile as `phase` (see cpu-profile.cjs). */
export type ProfileMark = (daemonPid: number, phase: string) => void;

export interface ScenarioResult {
  startCliMs: number;
  allOnlineMs: number;
  listMs: number;
  listRuns: number[];
  idleCpuPercent: number;
  rssKb: number | null;
  stopMs: number;
  deleteMs: number;
}

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

/** The daemon's user+system CPU over a window, as a percentage of one core. */
export async function idleCpu(pid: number, windowS: number): Promise<number> {
  const before = cpuSeconds(pid);
  const t0 = nowMs();
  await sleep(windowS * 1000);
  return ((cpuSeconds(pid) - before) / ((nowMs() - t0) / 1000)) * 100;
}

function writeFile(m: AnyManager, spec: AppsSpec): string {
  const file = join(m.home, `scale-${spec.count}.json`);
  writeFileSync(file, `${JSON.stringify({ apps: spec.apps }, null, 2)}\n`);
  return file;
}

async function startAll(m: AnyManager, file: string, count: number) {
  const t0 = nowMs();
  const res = await m.ok(['start', file], { timeoutMs: BIG_MS });
  const startCliMs = nowMs() - t0;
  await waitFor(
    `${count} processes online in ${m.kind}`,
    async () => (await m.list()).filter((p) => p.status === 'online' && p.pid !== null).length >= count,
    { timeoutMs: BIG_MS, intervalMs: 250 },
  );
  return { startCliMs, allOnlineMs: nowMs() - t0, res };
}

export async function runScenario(
  m: AnyManager,
  spec: AppsSpec,
  opts: { listRuns: number; idleS: number; profile?: ProfileMark },
): Promise<ScenarioResult> {
  const file = writeFile(m, spec);
  await m.ok(['ping'], { timeoutMs: 60_000 });
  const pid = m.daemonPid();
  if (pid === null) throw new Error(`${m.kind}: no daemon pid`);
  const mark = (phase: string) => opts.profile?.(pid, `${spec.count}-${phase}`);
  mark('boot');
  const { startCliMs, allOnlineMs } = await startAll(m, file, spec.count);
  mark('start');
  const listRuns: number[] = [];
  for (let i = 0; i < opts.listRuns; i++) {
    const r = await m.ok(m.listArgs, { timeoutMs: 120_000 });
    if (m.parseList(r.stdout).length !== spec.count)
      throw new Error(`${m.kind}: the list has ${m.parseList(r.stdout).length} of ${spec.count}`);
    listRuns.push(r.wallMs);
  }
  mark('list');
  await sleep(SETTLE_MS);
  mark('settle');
  const idleCpuPercent = await idleCpu(pid, opts.idleS);
  mark('idle');
  const rss = rssKb(pid);
  const stop = await m.ok(['stop', 'all'], { timeoutMs: BIG_MS });
  mark('stop');
  const del = await m.ok(['delete', 'all'], { timeoutMs: BIG_MS });
  mark('delete');
  return {
    startCliMs,
    allOnlineMs,
    listMs: median(listRuns)!,
    listRuns,
    idleCpuPercent,
    rssKb: rss,
    stopMs: stop.wallMs,
    deleteMs: del.wallMs,
  };
}

export interface CycleResult {
  count: number;
  rssStartKb: number;
  rssAfterKb: number[];
  rssEndSettledKb: number;
  /** After IDLE_AFTER_CYCLES_MS with nothing to do: V8's memory reducer gives dead pages back while idle. */
  rssEndIdleKb: number;
  /** Right after the first heap snapshot, which costs memory of its own (null when none could be taken). */
  rssEndAfterGcKb: number | null;
  /** Live heap after the cycles, and after one more cycle: the difference is what a cycle leaves. */
  heapAfterCyclesBytes: number | null;
  heapAfterOneMoreBytes: number | null;
  grew: Array<[string, number]>;
}

/** Starts and deletes `count` processes `cycles` times in one Shoal daemon, reading RSS and live heap. */
export async function runCycles(
  m: AnyManager,
  spec: AppsSpec,
  cycles: number,
  log: (line: string) => void,
): Promise<CycleResult> {
  const diag = join(m.home, 'diag');
  mkdirSync(diag, { recursive: true });
  const file = writeFile(m, spec);
  // Only the daemon (started by this first call) gets the snapshot signal; the apps are `sleep`.
  await m.ok(['ping'], {
    timeoutMs: 60_000,
    env: { NODE_OPTIONS: `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${diag}` },
  });
  const pid = m.daemonPid()!;
  await sleep(SETTLE_MS);
  const rssStartKb = rssKb(pid)!;
  const rssAfterKb: number[] = [];
  const cycle = async (c: number) => {
    const { allOnlineMs } = await startAll(m, file, spec.count);
    const del = await m.ok(['delete', 'all'], { timeoutMs: BIG_MS });
    await sleep(2000);
    const rss = rssKb(pid)!;
    log(
      `  cycle ${c}: online in ${Math.round(allOnlineMs)} ms, delete ${Math.round(del.wallMs)} ms, rss ${(rss / 1024).toFixed(0)} MB`,
    );
    return rss;
  };
  for (let c = 1; c <= cycles; c++) rssAfterKb.push(await cycle(c));
  await sleep(SETTLE_MS);
  const rssEndSettledKb = rssKb(pid)!;
  await sleep(IDLE_AFTER_CYCLES_MS - SETTLE_MS);
  const rssEndIdleKb = rssKb(pid)!;
  // Snapshots come after the RSS series (writing one costs the daemon memory of its own); one more cycle
  // between two of them shows what a cycle leaves live.
  const heap = async (): Promise<HeapReading | null> => heapOf(pid, diag).catch(() => null);
  const hA = await heap();
  const rssEndAfterGcKb = hA ? rssKb(pid) : null;
  await cycle(cycles + 1);
  const hB = await heap();
  return {
    count: spec.count,
    rssStartKb,
    rssAfterKb,
    rssEndSettledKb,
    rssEndIdleKb,
    rssEndAfterGcKb,
    heapAfterCyclesBytes: hA?.liveBytes ?? null,
    heapAfterOneMoreBytes: hB?.liveBytes ?? null,
    grew: hA && hB ? grewMost(hA, hB) : [],
  };
}
