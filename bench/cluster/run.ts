// The runner of `npm run bench`: runs each part in turn (one file per measurement), each bounded and each
// cleaned up even when it fails, then prints the tables, writes the raw JSON to bench/results/ and
// rewrites this bench's sections of bench/RESULTS.md. Exits non-zero if a part failed.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { basename, join } from 'node:path';
import { measureCli } from './cli-speed.js';
import { measureCrash } from './crash.js';
import { measureMemory } from './daemon-memory.js';
import { machineInfo, NoiseSampler } from './lib/machine.js';
import { ROOT, runCleanups } from './lib/processes.js';
import { snapshotShoal } from './lib/shoal-snapshot.js';
import { measureLogs } from './log-integrity.js';
import { measureLogRotation } from './log-rotation.js';
import { type BenchOptions, PARTS, type Part, type PartContext, parseOptions, USAGE } from './options.js';
import { measureReload } from './reload.js';
import {
  type BenchResults,
  type PartRecord,
  tableOf,
  targetChecks,
  textTable,
  writeResultsMd,
} from './report.js';
import { measureThroughput } from './throughput.js';

const MEASURE: Record<Part, (ctx: PartContext) => Promise<unknown>> = {
  throughput: measureThroughput,
  reload: measureReload,
  crash: measureCrash,
  cli: measureCli,
  memory: measureMemory,
  logs: measureLogs,
  'log-rotation': measureLogRotation,
};

/** Upper bound for one part; a part past it is abandoned (its processes are killed) and reported failed. */
const PART_BOUND_MS = 20 * 60_000;

const log = (line: string) => process.stdout.write(`${line}\n`);

function withBound<T>(what: string, p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took more than ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function loadMerged(file: string | null): BenchResults['parts'] {
  if (file === null) return {};
  const earlier = JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
  const parts: BenchResults['parts'] = {};
  for (const p of PARTS) {
    const rec = earlier.parts[p];
    if (rec?.result) parts[p] = { ...rec, from: rec.from ?? basename(file) };
  }
  return parts;
}

/** --report-from: the tables and RESULTS.md sections of an earlier run, nothing measured. */
function report(file: string, writeMd: boolean): number {
  const results = JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
  for (const p of PARTS) {
    const rec = results.parts[p];
    if (rec?.result) log(`\n${textTable(tableOf(p, rec.result))}`);
  }
  const checks = targetChecks(results.parts);
  if (checks.length > 0) log(`\n== Targets\n${checks.map((c) => `   ${c}`).join('\n')}`);
  if (writeMd) {
    writeResultsMd(results);
    log(`\nrewrote this bench's sections of bench/RESULTS.md from ${file}`);
  }
  return 0;
}

async function main(opts: BenchOptions): Promise<number> {
  if (opts.reportFrom !== null) return report(opts.reportFrom, opts.writeMd);
  const startedAt = new Date();
  const machine = machineInfo();
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  log(
    `shoal bench: ${machine.nproc} cores, ${machine.cpuModel}, Node ${machine.node}, PM2 ${machine.pm2}, ` +
      `Shoal ${machine.shoalCommit}${machine.dirtyFiles > 0 ? ` (+${machine.dirtyFiles} uncommitted files)` : ''}, ` +
      `load average ${machine.loadavgAtStart.join(' ')}`,
  );
  if (opts.snapshot) opts.shoalBin = snapshotShoal();
  log(
    `shoal binary: ${opts.shoalBin}${opts.snapshot ? " (copy of this tree's build)" : ''}; parts: ${opts.only.join(', ')}; ${opts.workers} workers`,
  );
  const results: BenchResults = {
    schema: 1,
    startedAt: startedAt.toISOString(),
    finishedAt: '',
    command,
    machine,
    options: { ...opts },
    parts: loadMerged(opts.merge),
  };
  let failed = 0;
  let abandoned = false;
  for (const part of opts.only) {
    if (abandoned) break;
    log(`\n-- ${part}`);
    const noise = new NoiseSampler();
    const at = new Date();
    const t0 = performance.now();
    const rec: PartRecord = {
      at: at.toISOString(),
      durationMs: 0,
      loadavg: Math.round(os.loadavg()[0]! * 100) / 100,
      machineBusy: null,
    };
    noise.begin();
    try {
      rec.result = await withBound(part, MEASURE[part]({ opts, log }), PART_BOUND_MS);
    } catch (err) {
      failed += 1;
      rec.error = (err as Error).message.split('\n')[0];
      log(`   ${part} FAILED: ${(err as Error).stack ?? err}`);
      // An abandoned part may still be running; the parts after it would not measure a quiet machine.
      if (rec.error?.includes('took more than')) abandoned = true;
    } finally {
      // Whatever the part left (a daemon after a failure, say) goes before the next part starts.
      await runCleanups();
    }
    noise.end();
    rec.durationMs = performance.now() - t0;
    rec.machineBusy = noise.result?.machineBusy ?? null;
    rec.loadavgEnd = Math.round(os.loadavg()[0]! * 100) / 100;
    results.parts[part] = rec;
    if (rec.result) log(`\n${textTable(tableOf(part, rec.result))}`);
  }
  results.finishedAt = new Date().toISOString();

  const checks = targetChecks(results.parts);
  if (checks.length > 0) log(`\n== Targets\n${checks.map((c) => `   ${c}`).join('\n')}`);

  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  log(`\nraw results: ${file}`);
  if (opts.writeMd) {
    writeResultsMd(results);
    log('rewrote the "Cluster mode", "CLI and daemon" and "Logs" sections of bench/RESULTS.md');
  }
  return failed === 0 ? 0 : 1;
}

let opts: BenchOptions;
try {
  opts = parseOptions(process.argv.slice(2));
  if (!existsSync(opts.shoalBin)) throw new Error(`no shoal executable at ${opts.shoalBin}`);
} catch (err) {
  process.stderr.write(`bench: ${(err as Error).message}\n${USAGE}\n`);
  process.exit(2);
}

let exiting = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (exiting) return;
    exiting = true;
    process.stderr.write(`bench: ${sig}, cleaning up\n`);
    void runCleanups(true).finally(() => process.exit(130));
  });
}

main(opts)
  .then(async (code) => {
    await runCleanups(true);
    process.exit(code);
  })
  .catch(async (err) => {
    process.stderr.write(`bench: ${(err as Error).stack ?? err}\n`);
    await runCleanups(true);
    process.exit(1);
  });
