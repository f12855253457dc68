// The Shoal daemon's own CPU use while it supervises many idle processes: user+system time from
// /proc/<daemon pid>/stat over a fixed window (30 s by default), with the default 2 s sampling interval.
// Scenarios: no apps (baseline), 50 Node sleepers, 200 `sleep` processes (interpreter none: 200 Node
// processes would take ~9 GB and most of the 2 cores just to start, measuring the machine rather than the
// daemon). Writes its figures under "## Daemon CPU" in bench/RESULTS.md and touches nothing else there.
// Run: npm run bench:daemon   (options: --duration <s>, --interval <ms>, --no-write)
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin', 'shoal.js');
const RESULTS = join(ROOT, 'bench', 'RESULTS.md');
const SLEEPER = join(ROOT, 'test', 'fixtures', 'forever.js');
const HEADING = '## Daemon CPU';
const CLOCK_TICKS = 100;
const SETTLE_MS = 5_000;

interface Options {
  durationS: number;
  intervalMs: number;
  write: boolean;
}

interface Scenario {
  label: string;
  processes: number;
  start: string[] | null;
}

interface Measurement {
  label: string;
  processes: number;
  cpuPercent: number;
  cpuSeconds: number;
  rssMb: number;
  loadavg: number;
}

function options(argv: string[]): Options {
  const opts: Options = { durationS: 30, intervalMs: 2000, write: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--duration') opts.durationS = Number(argv[++i]);
    else if (a === '--interval') opts.intervalMs = Number(argv[++i]);
    else if (a === '--no-write') opts.write = false;
    else if (a === '--help') {
      console.log('usage: npm run bench:daemon -- [--duration <s>] [--interval <ms>] [--no-write]');
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  if (!(opts.durationS > 0) || !(opts.intervalMs > 0))
    throw new Error('--duration and --interval must be > 0');
  return opts;
}

function shoal(home: string, env: Record<string, string>, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        env: { ...process.env, ...env, SHOAL_HOME: home, NO_COLOR: '1' },
        timeout: 300_000,
        maxBuffer: 64 << 20,
      },
      (err, stdout, stderr) =>
        err ? reject(new Error(`shoal ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout),
    );
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

function rssMbOf(pid: number): number {
  const kb = /^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb ?? 0) / 1024;
}

async function measure(s: Scenario, opts: Options): Promise<Measurement> {
  const home = mkdtempSync(join(os.tmpdir(), 'shoal-bench-cpu-'));
  // The dashboard is off so the bench never fights another daemon for its port; idle, it costs nothing.
  const env = { SHOAL_SAMPLE_INTERVAL_MS: String(opts.intervalMs), SHOAL_WEB_PORT: '0' };
  try {
    await shoal(home, env, ['ping']);
    const pid = Number(readFileSync(join(home, 'shoal.pid'), 'utf8').trim());
    if (s.start) {
      await shoal(home, env, s.start);
      const deadline = Date.now() + 180_000;
      for (;;) {
        const list = JSON.parse(await shoal(home, env, ['ls', '--json'])) as Array<{ status: string }>;
        if (list.filter((p) => p.status === 'online').length >= s.processes) break;
        if (Date.now() > deadline)
          throw new Error(`${s.label}: not all ${s.processes} processes online in 180 s`);
        await sleep(500);
      }
    }
    // Start-up work (spawning, first samples) is not what this measures: let it settle first.
    await sleep(SETTLE_MS);
    const before = cpuSecondsOf(pid);
    const t0 = performance.now();
    await sleep(opts.durationS * 1000);
    const cpuSeconds = cpuSecondsOf(pid) - before;
    const elapsed = (performance.now() - t0) / 1000;
    const m: Measurement = {
      label: s.label,
      processes: s.processes,
      cpuSeconds,
      cpuPercent: (cpuSeconds / elapsed) * 100,
      rssMb: rssMbOf(pid),
      loadavg: os.loadavg()[0]!,
    };
    console.log(
      `${s.label.padEnd(34)} daemon cpu ${m.cpuPercent.toFixed(2)}% of one core (${cpuSeconds.toFixed(2)} s in ${elapsed.toFixed(0)} s), rss ${m.rssMb.toFixed(0)} MB, load ${m.loadavg.toFixed(2)}`,
    );
    return m;
  } finally {
    await shoal(home, {}, ['kill']).catch(() => {});
    rmSync(home, { recursive: true, force: true });
  }
}

function section(results: Measurement[], opts: Options): string {
  const rows = results.map(
    (m) =>
      `| ${m.label} | ${m.processes} | ${m.cpuPercent.toFixed(2)} % | ${m.cpuSeconds.toFixed(2)} s | ${m.rssMb.toFixed(0)} MB | ${m.loadavg.toFixed(2)} |`,
  );
  const cpuModel =
    /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? 'unknown';
  return [
    HEADING,
    '',
    `The daemon's own CPU (user+system from /proc/<daemon pid>/stat) over ${opts.durationS} s, after the apps are online and ${SETTLE_MS / 1000} s of settling, with SHOAL_SAMPLE_INTERVAL_MS=${opts.intervalMs}. "% of one core" = CPU seconds / wall seconds. Load is the 1-minute load average at the end of the window (the machine is shared: other work running meanwhile shows there).`,
    '',
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${os.availableParallelism()} × ${cpuModel}, Node ${process.version}, with \`npm run bench:daemon\`.`,
    '',
    '| scenario | processes | daemon CPU | CPU time | daemon RSS | load |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    'The 200-process case uses `sleep 100000` with interpreter none, not Node: 200 Node processes would need ~9 GB and both cores just to boot, measuring the machine instead of the daemon. Sampling costs the same per pid either way (two small /proc reads per tick); a Node process costs the daemon a little more than `sleep` because its preload also sends heap and event-loop figures over IPC every few seconds, which the daemon parses: hence 50 Node processes above 200 `sleep`s.',
    '',
  ].join('\n');
}

/** Replaces the "## Daemon CPU" section (up to the next "## " heading) or appends it; other sections stay. */
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
  const opts = options(process.argv.slice(2));
  if (process.platform !== 'linux') throw new Error('this bench reads /proc: Linux only');
  if (!existsSync(join(ROOT, 'dist', 'cli', 'index.js'))) throw new Error('run "npm run build" first');
  const scenarios: Scenario[] = [
    { label: 'no apps', processes: 0, start: null },
    {
      label: '50 Node sleepers (forever.js)',
      processes: 50,
      start: ['start', SLEEPER, '--name', 'sleepers', '-i', '50', '--exec-mode', 'fork'],
    },
    {
      label: '200 `sleep 100000` (interpreter none)',
      processes: 200,
      start: [
        'start',
        'sleep',
        '--interpreter',
        'none',
        '--name',
        'sleeps',
        '-i',
        '200',
        '--exec-mode',
        'fork',
        '--',
        '100000',
      ],
    },
  ];
  const results: Measurement[] = [];
  for (const s of scenarios) results.push(await measure(s, opts));
  if (opts.write) {
    writeSection(section(results, opts));
    console.log(`written to ${RESULTS} (section "${HEADING}")`);
  }
}

main().catch((err: unknown) => {
  console.error((err as Error).message);
  process.exit(1);
});
