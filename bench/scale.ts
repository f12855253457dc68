// Shoal and PM2 with many processes: for N `sleep 100000` apps (interpreter none; 10, 100 and 1,000 by
// default) and 200 Node sleepers, each from one process file both read, the time to start them (until
// the CLI returns and until all are online), the JSON list (`ls --json` / `jlist`), `stop all`,
// `delete all`, the daemon's CPU while they idle and its RSS; then five start/delete cycles of 1,000 in
// one Shoal daemon, with its RSS and live heap (from heap snapshots, which collect garbage first) to tell
// a leak from memory not yet handed back. Each manager runs in a private home and is killed at the end,
// on failure too. Writes "## Scale" in bench/RESULTS.md only with --write.
// Run: npm run bench:scale -- [--sizes 10,100,1000] [--node 200] [--idle 20] [--cycles 5]
//      [--cycle-size 1000] [--list-runs 5] [--only shoal|pm2] [--no-cycles] [--profile <dir>] [--write]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { extraCaNote, machineInfo } from './cluster/lib/machine.js';
import { createManager, type ManagerKind } from './cluster/lib/managers.js';
import { app, ROOT, runCleanups } from './cluster/lib/processes.js';
import { ratio } from './cluster/lib/stats.js';
import {
  type AppsSpec,
  type CycleResult,
  nodeApps,
  type ProfileMark,
  runCycles,
  runScenario,
  type ScenarioResult,
  sleepApps,
} from './scale/measure.js';

const RESULTS = join(ROOT, 'bench', 'RESULTS.md');
const HEADING = '## Scale';
const BIN = join(ROOT, 'bin', 'shoal.js');

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10,100,1000' },
    node: { type: 'string', default: '200' },
    idle: { type: 'string', default: '20' },
    cycles: { type: 'string', default: '5' },
    'cycle-size': { type: 'string', default: '1000' },
    'list-runs': { type: 'string', default: '5' },
    only: { type: 'string' },
    'no-cycles': { type: 'boolean', default: false },
    profile: { type: 'string' },
    write: { type: 'boolean', default: false },
  },
});
const sizes = values.sizes.split(',').map(Number);
const nodeCount = Number(values.node);
const idleS = Number(values.idle);
const cycles = values['no-cycles'] ? 0 : Number(values.cycles);
const cycleSize = Number(values['cycle-size']);
const listRuns = Number(values['list-runs']);
const kinds: ManagerKind[] = values.only ? [values.only as ManagerKind] : ['shoal', 'pm2'];
for (const n of [...sizes, nodeCount, idleS, cycles, cycleSize, listRuns])
  if (!Number.isInteger(n) || n < 0) throw new Error(`not a count: ${n}`);

const log = (line: string) => process.stdout.write(`${line}\n`);
/** This run's own options, so that the section it writes names the exact command. */
const ARGS = process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : '';

/** 1,000 children need as many pids and a few thousand descriptors in the daemon: say so up front. */
function checkLimits(most: number): void {
  const limits = readFileSync('/proc/self/limits', 'utf8');
  const soft = (what: string) =>
    Number(new RegExp(`^${what}\\s+(\\d+|unlimited)`, 'm').exec(limits)?.[1]) || Infinity;
  const files = soft('Max open files');
  const procs = soft('Max processes');
  if (files < most * 4 + 256) throw new Error(`ulimit -n is ${files}: raise it to ${most * 4 + 256} or more`);
  if (procs < most * 2 + 256) throw new Error(`ulimit -u is ${procs}: raise it to ${most * 2 + 256} or more`);
}

interface Row {
  spec: AppsSpec;
  results: Partial<Record<ManagerKind, ScenarioResult>>;
}

const fmt = (n: number | undefined) => (n === undefined ? 'n/a' : `${Math.round(n)} ms`);
const fmtR = (r: number | null) => (r === null ? 'n/a' : `${r.toFixed(2)}x`);
const mb = (kb: number | null | undefined) => (kb == null ? 'n/a' : `${(kb / 1024).toFixed(0)} MB`);

function tables(rows: Row[]): string[] {
  const out = ['| scenario | measure | Shoal | PM2 | Shoal / PM2 |', '| --- | --- | ---: | ---: | ---: |'];
  const metrics: Array<[string, (r: ScenarioResult) => number | null, (n: number | null) => string]> = [
    ['start (CLI returns)', (r) => r.startCliMs, (n) => fmt(n ?? undefined)],
    ['start (all online)', (r) => r.allOnlineMs, (n) => fmt(n ?? undefined)],
    [`list --json (median of ${listRuns})`, (r) => r.listMs, (n) => fmt(n ?? undefined)],
    ['stop all', (r) => r.stopMs, (n) => fmt(n ?? undefined)],
    ['delete all', (r) => r.deleteMs, (n) => fmt(n ?? undefined)],
    [
      `daemon CPU idle (${idleS} s)`,
      (r) => r.idleCpuPercent,
      (n) => (n === null ? 'n/a' : `${n.toFixed(2)} %`),
    ],
    ['daemon RSS, all running', (r) => r.rssKb, mb],
  ];
  for (const row of rows)
    for (const [name, get, show] of metrics) {
      const s = row.results.shoal ? get(row.results.shoal) : null;
      const p = row.results.pm2 ? get(row.results.pm2) : null;
      out.push(`| ${row.spec.label} | ${name} | ${show(s)} | ${show(p)} | ${fmtR(ratio(s, p))} |`);
    }
  return out;
}

function cycleLines(c: CycleResult): string[] {
  const heap = (b: number | null) => (b === null ? 'n/a' : `${(b / 1048576).toFixed(1)} MB`);
  return [
    `| daemon RSS at start | ${mb(c.rssStartKb)} |`,
    ...c.rssAfterKb.map((kb, i) => `| RSS after cycle ${i + 1} | ${mb(kb)} |`),
    `| RSS settled after the cycles (5 s) | ${mb(c.rssEndSettledKb)} (${fmtPctOf(c.rssEndSettledKb, c.rssStartKb)}) |`,
    `| RSS after 30 s idle | ${mb(c.rssEndIdleKb)} (${fmtPctOf(c.rssEndIdleKb, c.rssStartKb)}) |`,
    `| RSS right after the heap snapshot (its own memory included) | ${mb(c.rssEndAfterGcKb)} (${c.rssEndAfterGcKb === null ? 'n/a' : fmtPctOf(c.rssEndAfterGcKb, c.rssStartKb)}) |`,
    `| live heap after the cycles / after one more cycle | ${heap(c.heapAfterCyclesBytes)} / ${heap(c.heapAfterOneMoreBytes)} |`,
  ];
}

const fmtPctOf = (a: number, b: number) => `${a >= b ? '+' : ''}${(((a - b) / b) * 100).toFixed(0)} %`;

function section(rows: Row[], cyc: CycleResult | null, machine: ReturnType<typeof machineInfo>): string {
  const lines = [
    HEADING,
    '',
    `Many processes, from one process file both managers read (\`sleep 100000\` apps with interpreter none, and Node sleepers: bench/apps/sleeper.js). Times are wall clock of the CLI; "all online" is from the start command until the JSON list shows every process online (polled every 250 ms). Idle CPU is the daemon's user+system time from /proc/<pid>/stat over ${idleS} s after 5 s of settling, as a share of one core.`,
    '',
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine.nproc} x ${machine.cpuModel}, ${machine.memTotalMb} MB, Node ${machine.node}, PM2 ${machine.pm2}, Shoal ${machine.shoalCommit}${machine.dirtyFiles > 0 ? ` (+${machine.dirtyFiles} changed files)` : ''}${extraCaNote(machine)}; load average ${machine.loadavgAtStart.join(' ')} at the start, ${os
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')} at the end, with \`npm run bench:scale${ARGS}\`.`,
    '',
    ...tables(rows),
  ];
  if (cyc) {
    lines.push(
      '',
      `### Daemon memory over ${cyc.rssAfterKb.length} start/delete cycles of ${cyc.count} \`sleep\` processes`,
      '',
      'One Shoal daemon; each cycle starts the process file, waits until all are online, deletes all and waits 2 s; after the last cycle the daemon idles 5 s, then 30 s in all, before the two settled readings. The live heap comes from heap snapshots (NODE_OPTIONS=--heapsnapshot-signal, for this bench only), each taken after a full garbage collection, after the RSS series (writing a snapshot costs memory of its own); one more cycle between two snapshots shows what a cycle leaves live: a heap that stays flat means no leak, whatever RSS does.',
      '',
      '| reading | value |',
      '| --- | --- |',
      ...cycleLines(cyc),
    );
  }
  return `${lines.join('\n')}\n`;
}

function writeSection(text: string): void {
  const current = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '# Benchmark results\n\n';
  const start = current.indexOf(`${HEADING}\n`);
  let next: string;
  if (start === -1) next = `${current.trimEnd()}\n\n${text}`;
  else {
    const after = current.indexOf('\n## ', start + HEADING.length);
    next = current.slice(0, start) + text + (after === -1 ? '' : `\n${current.slice(after + 1)}`);
  }
  writeFileSync(RESULTS, next);
}

async function main(): Promise<void> {
  if (process.platform !== 'linux') throw new Error('this bench reads /proc: Linux only');
  if (!existsSync(join(ROOT, 'dist', 'cli', 'index.js'))) throw new Error('run "npm run build" first');
  checkLimits(Math.max(...sizes, nodeCount, cycles > 0 ? cycleSize : 0));
  const machine = machineInfo();
  log(
    `machine: ${machine.nproc} x ${machine.cpuModel}, ${machine.memTotalMb} MB, load ${machine.loadavgAtStart.join(' ')}`,
  );
  // Node refuses --cpu-prof in NODE_OPTIONS: a preload profiles the daemon, one file per phase.
  const profileDir = values.profile ? resolve(values.profile) : null;
  const profileEnv: Record<string, string> = {};
  let profile: ProfileMark | undefined;
  if (profileDir) {
    mkdirSync(profileDir, { recursive: true });
    profileEnv.NODE_OPTIONS = `--require ${join(ROOT, 'bench', 'scale', 'cpu-profile.cjs')}`;
    profileEnv.SHOAL_BENCH_PROFILE_DIR = profileDir;
    profile = (pid, phase) => {
      writeFileSync(join(profileDir, 'phase'), phase);
      process.kill(pid, 'SIGUSR2');
    };
  }
  const specs = [...sizes.map(sleepApps), ...(nodeCount > 0 ? [nodeApps(nodeCount, app('sleeper.js'))] : [])];
  const rows: Row[] = [];
  for (const spec of specs) {
    const row: Row = { spec, results: {} };
    for (const kind of kinds) {
      const m = createManager(kind, { shoalBin: BIN });
      try {
        if (kind === 'shoal' && profileDir) await m.ok(['ping'], { env: profileEnv });
        const r = await runScenario(m, spec, {
          listRuns,
          idleS,
          profile: kind === 'shoal' ? profile : undefined,
        });
        row.results[kind] = r;
        log(
          `${spec.label.padEnd(30)} ${kind.padEnd(5)} start ${fmt(r.startCliMs)} / online ${fmt(r.allOnlineMs)}, list ${fmt(r.listMs)}, stop ${fmt(r.stopMs)}, delete ${fmt(r.deleteMs)}, idle cpu ${r.idleCpuPercent.toFixed(2)} %, rss ${mb(r.rssKb)}, load ${os.loadavg()[0]!.toFixed(2)}`,
        );
      } finally {
        await m.shutdown();
      }
    }
    rows.push(row);
  }
  let cyc: CycleResult | null = null;
  if (cycles > 0 && kinds.includes('shoal')) {
    log(`shoal: ${cycles} start/delete cycles of ${cycleSize}`);
    const m = createManager('shoal', { shoalBin: BIN });
    try {
      cyc = await runCycles(m, sleepApps(cycleSize), cycles, log);
    } finally {
      await m.shutdown();
    }
    log(cycleLines(cyc).join('\n'));
    if (cyc.grew.length > 0)
      log(`  grew most in one more cycle: ${cyc.grew.map(([k, n]) => `${k} +${n}`).join(', ')}`);
  }
  const text = section(rows, cyc, machine);
  log(`\n${text}`);
  if (values.write) {
    writeSection(text);
    log(`written to ${RESULTS} (section "${HEADING}")`);
  }
}

for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.on(sig, () => {
    void runCleanups(true).finally(() => process.exit(130));
  });

main()
  .then(() => runCleanups(true))
  .catch(async (err: unknown) => {
    console.error((err as Error).stack ?? String(err));
    await runCleanups(true);
    process.exit(1);
  });
