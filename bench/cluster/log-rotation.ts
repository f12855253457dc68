// Logs under rotation: one fork-mode app writes N numbered lines as fast as it can while its log rotates
// every 2 MB. Shoal rotates inside its writer (rename and reopen); PM2 with pm2-logrotate, the add-on its
// users install, which checks the size every workerInterval and then copies the file and truncates it. Counts the lines kept out
// of those written across every file (each number once, whole), the largest file, and the throughput.
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type AnyManager, createManager, type ManagerKind } from './lib/managers.js';
import { app, nowMs, sleep } from './lib/processes.js';
import { fmtInt, fmtMs } from './lib/stats.js';
import type { PartContext, Table } from './options.js';

const MAX_SIZE = '2M';
/** The limit in bytes; a file may pass it by one line at most. */
export const MAX_BYTES = 2 * 1024 * 1024;
const BOUND_MS = 180_000;
const STALL_MS = 10_000;

export interface RotationRun {
  how: string;
  files: number;
  kept: number;
  duplicates: number;
  broken: number;
  largestBytes: number;
  /** From `start` to "done" in the logs, or null when it stalled or hit the bound. */
  completeMs: number | null;
  error: string | null;
}

export interface RotationResult {
  lines: number;
  maxSize: string;
  managers: Partial<Record<ManagerKind, RotationRun>>;
}

/** The app's current and rotated out logs in dir (plain or gzipped). */
function logFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => /^rot-out(__.*)?\.log(\.gz)?$/.test(n))
    .map((n) => join(dir, n));
}

const text = (f: string) =>
  (f.endsWith('.gz') ? gunzipSync(readFileSync(f)) : readFileSync(f)).toString('utf8');

function count(files: string[], total: number): Omit<RotationRun, 'how' | 'completeMs' | 'error'> {
  const seen = new Uint8Array(total);
  let kept = 0;
  let duplicates = 0;
  let broken = 0;
  let largestBytes = 0;
  const pattern = new RegExp(`^line (\\d+) of ${total}$`);
  for (const f of files) {
    const t = text(f);
    largestBytes = Math.max(largestBytes, Buffer.byteLength(t));
    for (const line of t.split('\n')) {
      if (line === '' || line === 'done') continue;
      const m = pattern.exec(line);
      if (!m || Number(m[1]) >= total) {
        broken += 1;
        continue;
      }
      const i = Number(m[1]);
      if (seen[i]) duplicates += 1;
      else {
        seen[i] = 1;
        kept += 1;
      }
    }
  }
  return { files: files.length, kept, duplicates, broken, largestBytes };
}

/** The last bytes of a plain file ('' when it is not there). */
function tailOf(path: string, bytes: number): string {
  try {
    const size = statSync(path).size;
    if (size === 0) return '';
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.alloc(Math.min(bytes, size));
      readSync(fd, buf, 0, buf.length, size - buf.length);
      return buf.toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return ''; // between a rename and the new file
  }
}

/**
 * Waits for "done" at the end of one of the logs (a rotation right after it moves it into a rotated
 * file); false when the logs stopped growing or the bound hit.
 */
async function waitDone(dir: string, t0: number): Promise<boolean> {
  let lastBytes = -1;
  let lastGrowth = nowMs();
  while (nowMs() - t0 < BOUND_MS) {
    const files = logFiles(dir).filter((f) => !f.endsWith('.gz'));
    if (files.some((f) => tailOf(f, 5) === 'done\n')) return true;
    const bytes = files.reduce((n, f) => n + (statSync(f, { throwIfNoEntry: false })?.size ?? 0), 0);
    if (bytes !== lastBytes) {
      lastBytes = bytes;
      lastGrowth = nowMs();
    } else if (nowMs() - lastGrowth > STALL_MS) return false;
    await sleep(50);
  }
  return false;
}

async function prepare(m: AnyManager, lines: number): Promise<{ file: string; logs: string; how: string }> {
  const file = join(m.home, 'rot.json');
  const base = { name: 'rot', script: app('flood-lines.js'), args: [String(lines)], exec_mode: 'fork' };
  if (m.kind === 'shoal') {
    writeFileSync(file, JSON.stringify({ apps: [{ ...base, log_max_size: MAX_SIZE, log_retain: 'all' }] }));
    return {
      file,
      logs: join(m.home, 'logs'),
      how: `log_max_size ${MAX_SIZE} (rename and reopen in the writer)`,
    };
  }
  // pm2-logrotate from npm, checking every second (its smallest workerInterval), keeping every file.
  await m.ok(['install', 'pm2-logrotate'], { timeoutMs: 300_000 });
  for (const [k, v] of [
    ['max_size', MAX_SIZE],
    ['retain', '10000'],
    ['compress', 'false'],
    ['workerInterval', '1'],
  ])
    await m.ok(['set', `pm2-logrotate:${k}`, v]);
  await sleep(2000); // the module restarts with its new settings
  writeFileSync(file, JSON.stringify({ apps: [base] }));
  return {
    file,
    logs: join(m.home, 'logs'),
    how: `pm2-logrotate max_size ${MAX_SIZE}, workerInterval 1 s (copy, then truncate)`,
  };
}

export async function measureLogRotation(ctx: PartContext): Promise<RotationResult> {
  const lines = ctx.opts.rotationLines;
  const managers: RotationResult['managers'] = {};
  for (const kind of ['pm2', 'shoal'] as const) {
    const m = createManager(kind, { shoalBin: ctx.opts.shoalBin });
    try {
      const { file, logs, how } = await prepare(m, lines);
      const t0 = nowMs();
      await m.ok(['start', file], { timeoutMs: 60_000 });
      const done = await waitDone(logs, t0);
      const completeMs = done ? nowMs() - t0 : null;
      await sleep(1500); // a rotation in progress finishes
      const run = { how, completeMs, error: null, ...count(logFiles(logs), lines) };
      managers[kind] = run;
      ctx.log(
        `  ${kind.padEnd(5)} kept ${fmtInt(run.kept)} of ${fmtInt(lines)} in ${run.files} file(s), ` +
          `${run.duplicates} duplicated, ${run.broken} broken, largest ${fmtInt(run.largestBytes)} B, ` +
          `complete ${fmtMs(completeMs)}`,
      );
    } catch (err) {
      managers[kind] = {
        how: 'n/a',
        files: 0,
        kept: 0,
        duplicates: 0,
        broken: 0,
        largestBytes: 0,
        completeMs: null,
        error: (err as Error).message.split('\n')[0]!,
      };
      ctx.log(`  ${kind} FAILED: ${(err as Error).message}`);
    } finally {
      await m.shutdown();
    }
  }
  return { lines, maxSize: MAX_SIZE, managers };
}

export function logRotationTable(r: RotationResult): Table {
  const rows: string[][] = [];
  for (const kind of ['pm2', 'shoal'] as const) {
    const x = r.managers[kind];
    if (!x) continue;
    const lost = r.lines - x.kept;
    const rate = x.completeMs ? `${fmtInt(r.lines / (x.completeMs / 1000))} lines/s` : 'n/a';
    rows.push([
      kind,
      x.error ? `failed: ${x.error}` : x.how,
      `${fmtInt(x.kept)} of ${fmtInt(r.lines)} (${fmtInt(lost)} lost)`,
      fmtInt(x.duplicates),
      fmtInt(x.broken),
      String(x.files),
      `${(x.largestBytes / 1024 / 1024).toFixed(2)} MiB`,
      x.completeMs !== null ? fmtMs(x.completeMs) : 'stalled or bound hit',
      rate,
    ]);
  }
  return {
    title: `Logs under rotation: ${fmtInt(r.lines)} lines, rotation every ${r.maxSize}`,
    header: [
      'manager',
      'rotation',
      'lines kept of written',
      'duplicates',
      'broken lines',
      'files',
      'largest file',
      'all written',
      'throughput',
    ],
    rows,
    notes: [
      `bench/apps/flood-lines.js in fork mode: "line <i> of <N>", 1,000 lines per turn of the event loop, not waiting ` +
        `for 'drain', then "done". Every out log file of the app (current and rotated) is read after "done" reached the ` +
        `logs; a line counts once however often it appears. "all written" is from \`start\` to "done" in the ` +
        `logs; throughput is lines written / that time.`,
    ],
  };
}

/** The targets of this part: nothing lost under rotation, no file over the limit by more than a line. */
export function rotationChecks(r: RotationResult): string[] {
  const s = r.managers.shoal;
  if (!s || s.error) return [];
  const p = r.managers.pm2;
  const pm2 = p && !p.error ? `; PM2 with pm2-logrotate lost ${fmtInt(r.lines - p.kept)}` : '';
  const longest = `line ${r.lines - 1} of ${r.lines}\n`.length;
  return [
    `${s.kept === r.lines && s.duplicates === 0 && s.broken === 0 ? 'met' : 'MISSED'}: 0 lines lost, duplicated ` +
      `or broken under rotation (Shoal kept ${fmtInt(s.kept)} of ${fmtInt(r.lines)}${pm2})`,
    `${s.largestBytes <= MAX_BYTES + longest ? 'met' : 'MISSED'}: no file over ${r.maxSize} by more than one line ` +
      `(largest ${fmtInt(s.largestBytes)} bytes)`,
  ];
}
