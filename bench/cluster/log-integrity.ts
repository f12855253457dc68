// Log integrity in cluster mode: N workers each write 100,000 numbered lines with a drain-aware writer
// (wait for 'drain' whenever write() returns false; the pattern PM2 stalls on, keeping one line per
// worker). Counts, per worker (lines carry the writer's pid, so merged and per-instance log files both
// work), the lines kept, checks they are whole and each number appears once, and times how long until
// every worker's "done" reached the logs.
import { open, readFile, stat } from 'node:fs/promises';
import { createManager, type ManagerKind, outLogs, startCluster, waitOnline } from './lib/managers.js';
import { type MemoryReading, readMemory } from './lib/memory-reading.js';
import { app, nowMs, sleep } from './lib/processes.js';
import { fmtInt, fmtMb, fmtMs } from './lib/stats.js';
import type { PartContext, Table } from './options.js';

/** No growth in any log for this long, before every worker is done, counts as a stall. */
const STALL_MS = 5000;
const BOUND_MS = 180_000;
const POLL_MS = 100;

export interface WorkerLog {
  pid: number;
  kept: number;
  distinct: number;
  done: boolean;
}

export interface LogRun {
  files: string[];
  workers: WorkerLog[];
  /** Lines that are neither "<pid> line <i> of <N>" nor "<pid> done": torn or interleaved. */
  broken: number;
  /** Start to every worker's "done" in the logs, or null when it stalled or hit the bound. */
  completeMs: number | null;
  stalled: boolean;
  memoryAfter: MemoryReading | null;
}

export interface LogResult {
  workers: number;
  lines: number;
  managers: Record<ManagerKind, LogRun>;
}

/** Follows files as they grow, counting "done" lines, reading only the new bytes each time. */
class DoneCounter {
  private readonly offsets = new Map<string, number>();
  private readonly partial = new Map<string, string>();
  done = 0;
  bytes = 0;

  constructor(private readonly files: string[]) {}

  async poll(): Promise<void> {
    for (const file of this.files) {
      let size = 0;
      try {
        size = (await stat(file)).size;
      } catch {
        continue;
      }
      const from = this.offsets.get(file) ?? 0;
      if (size <= from) continue;
      const fh = await open(file, 'r');
      try {
        const buf = Buffer.alloc(size - from);
        await fh.read(buf, 0, buf.length, from);
        const lines = ((this.partial.get(file) ?? '') + buf.toString('utf8')).split('\n');
        this.partial.set(file, lines.pop() ?? '');
        for (const l of lines) if (/^\d+ done$/.test(l)) this.done += 1;
      } finally {
        await fh.close();
      }
      this.bytes += size - from;
      this.offsets.set(file, size);
    }
  }
}

async function analyse(files: string[], lines: number): Promise<{ workers: WorkerLog[]; broken: number }> {
  const byPid = new Map<number, { seen: Uint8Array } & WorkerLog>();
  let broken = 0;
  const pattern = new RegExp(`^(\\d+) (?:line (\\d+) of ${lines}|done)$`);
  for (const file of files) {
    let text = '';
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue; // no file: nothing kept
    }
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const m = pattern.exec(line);
      if (!m) {
        broken += 1;
        continue;
      }
      const pid = Number(m[1]);
      let w = byPid.get(pid);
      if (!w) {
        w = { pid, kept: 0, distinct: 0, done: false, seen: new Uint8Array(lines) };
        byPid.set(pid, w);
      }
      if (m[2] === undefined) {
        w.done = true;
        continue;
      }
      const i = Number(m[2]);
      if (i >= lines) {
        broken += 1;
        continue;
      }
      w.kept += 1;
      if (w.seen[i] === 0) {
        w.seen[i] = 1;
        w.distinct += 1;
      }
    }
  }
  const workers = [...byPid.values()].map(({ pid, kept, distinct, done }) => ({ pid, kept, distinct, done }));
  return { workers, broken };
}

export async function measureLogs(ctx: PartContext): Promise<LogResult> {
  const { opts } = ctx;
  const managers = {} as LogResult['managers'];
  for (const kind of ['pm2', 'shoal'] as const) {
    const m = createManager(kind, { shoalBin: opts.shoalBin });
    try {
      const t0 = nowMs();
      await startCluster(m, {
        name: 'lines',
        script: app('lines.js'),
        instances: opts.workers,
        env: {},
        args: [String(opts.logLines)],
      });
      await waitOnline(m, 'lines', opts.workers);
      const files = [...new Set(await outLogs(m, 'lines'))];
      const counter = new DoneCounter(files);
      let completeMs: number | null = null;
      let stalled = false;
      let lastBytes = -1;
      let lastGrowth = nowMs();
      while (nowMs() - t0 < BOUND_MS) {
        await counter.poll();
        if (counter.done >= opts.workers) {
          completeMs = nowMs() - t0;
          break;
        }
        if (counter.bytes !== lastBytes) {
          lastBytes = counter.bytes;
          lastGrowth = nowMs();
        } else if (nowMs() - lastGrowth > STALL_MS) {
          stalled = true;
          break;
        }
        await sleep(POLL_MS);
      }
      const memoryAfter = await readMemory(m, 'lines').catch(() => null);
      const { workers, broken } = await analyse(files, opts.logLines);
      managers[kind] = { files, workers, broken, completeMs, stalled, memoryAfter };
      ctx.log(
        `  ${kind.padEnd(5)} kept ${workers.map((w) => fmtInt(w.kept)).join(' + ')} of ${opts.workers} x ${fmtInt(opts.logLines)}` +
          ` in ${files.length} file(s), ${broken} broken` +
          `${stalled ? ` (stalled: no growth for ${STALL_MS / 1000} s)` : ''}, complete ${fmtMs(completeMs)}`,
      );
    } finally {
      await m.shutdown();
    }
  }
  return { workers: opts.workers, lines: opts.logLines, managers };
}

export function logsTable(r: LogResult): Table {
  const rows: string[][] = [];
  for (const kind of ['pm2', 'shoal'] as const) {
    const x = r.managers[kind];
    if (!x) continue;
    const kept = x.workers.reduce((a, w) => a + w.kept, 0);
    const dups = x.workers.reduce((a, w) => a + w.kept - w.distinct, 0);
    const mem = x.memoryAfter;
    rows.push([
      kind,
      `${x.workers.map((w) => fmtInt(w.kept)).join(' + ')} = ${fmtInt(kept)} of ${fmtInt(r.lines * r.workers)}`,
      String(x.files.length),
      fmtInt(dups),
      fmtInt(x.broken),
      x.completeMs !== null
        ? fmtMs(x.completeMs)
        : x.stalled
          ? `stalled (no growth for ${STALL_MS / 1000} s)`
          : 'bound hit',
      mem
        ? `daemon ${fmtMb(mem.daemonKb)}${mem.primaryKb !== null ? `, primary ${fmtMb(mem.primaryKb)}` : ''}, workers ${fmtMb(mem.appsKb)}`
        : 'n/a',
    ]);
  }
  return {
    title: `Logs: ${r.workers} cluster workers x ${fmtInt(r.lines)} lines, drain-aware writer`,
    header: [
      'manager',
      'lines kept (per worker)',
      'log files',
      'duplicates',
      'broken lines',
      'all written',
      'RSS after',
    ],
    rows,
    notes: [
      'bench/apps/lines.js: "<pid> line <i> of <N>" as fast as stdout takes them, waiting for \'drain\' when write() ' +
        'returns false, then "<pid> done". Counted per pid across the app\'s out log file(s), merged or one per ' +
        'worker alike; "all written" is from `start` to the last "done" in the logs, a stall is ' +
        `${STALL_MS / 1000} s without growth.`,
    ],
  };
}
