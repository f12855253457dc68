// Where a cold start's time goes: `shoal start hello.js -i N` with no daemon yet, timed from spawning the
// CLI to the first HTTP answer, split into phases from the timestamps the daemon and the cluster primary
// already log (shoal.log, run/<app>.primary.log). Prints each phase's median over the runs.
//   npm run bench:cold-start -- [--runs 5] [--workers 2] [--shoal-bin path/to/bin/shoal.js]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { probePid } from './cluster/lib/http-probe.js';
import { createManager, startCluster } from './cluster/lib/managers.js';
import { app, freePort, ROOT, runCleanups, sleep } from './cluster/lib/processes.js';
import { fmtMs, median } from './cluster/lib/stats.js';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const n = i === -1 ? Number.NaN : Number(process.argv[i + 1]);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}
const runs = flag('runs', 5);
const workers = flag('workers', 2);
const binAt = process.argv.indexOf('--shoal-bin');
const shoalBin = binAt === -1 ? join(ROOT, 'bin', 'shoal.js') : String(process.argv[binAt + 1]);

/** Each mark is ms since the CLI was spawned. */
type Marks = Record<string, number | null>;

/** `<ISO time> <event> {json}` lines: the first line of `event` (and fields matching `match`), or null. */
function logTime(file: string, event: string, t0: number, pick: 'first' | 'last' = 'first', to?: string) {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const times = text
    .split('\n')
    .filter((l) => l.split(' ')[1] === event && (to === undefined || l.includes(`"to":"${to}"`)))
    .map((l) => Date.parse(l.split(' ')[0]) - t0);
  if (times.length === 0) return null;
  return pick === 'first' ? times[0] : times[times.length - 1];
}

async function oneRun(): Promise<Marks> {
  const m = createManager('shoal', { shoalBin });
  try {
    const port = await freePort();
    const t0 = Date.now();
    let cliExit: number | null = null;
    const cli = startCluster(m, {
      name: 'hello',
      script: app('hello.js'),
      instances: workers,
      env: { PORT: String(port) },
    }).then(() => {
      cliExit = Date.now() - t0;
    });
    let answer: number | null = null;
    while (answer === null && Date.now() - t0 < 30_000) {
      if ((await probePid(port, 500)) !== null) answer = Date.now() - t0;
      else await sleep(5);
    }
    await cli;
    const home = (m as unknown as { home: string }).home;
    const daemonLog = join(home, 'shoal.log');
    const primaryLog = join(home, 'run', 'hello.primary.log');
    return {
      'daemon listening': logTime(daemonLog, 'daemon.started', t0),
      'start request received': logTime(daemonLog, 'app.start', t0),
      'primary spawned': logTime(daemonLog, 'cluster.primary_spawned', t0),
      'primary running': logTime(primaryLog, 'primary.started', t0),
      'first worker forked': logTime(primaryLog, 'transition', t0, 'first', 'launching'),
      'last worker forked': logTime(primaryLog, 'transition', t0, 'last', 'launching'),
      'first worker listening': logTime(primaryLog, 'transition', t0, 'first', 'online'),
      'last worker listening': logTime(primaryLog, 'transition', t0, 'last', 'online'),
      'first HTTP answer': answer,
      'CLI exited': cliExit,
    };
  } finally {
    await m.shutdown();
  }
}

const all: Marks[] = [];
try {
  for (let i = 0; i < runs; i++) {
    all.push(await oneRun());
    console.log(`run ${i + 1}: first answer ${fmtMs(all.at(-1)?.['first HTTP answer'] ?? null)}`);
  }
} finally {
  await runCleanups(true);
}
console.log(
  `\ncold start, ${workers} workers, ${runs} runs: ms since the CLI was spawned (median), and the step`,
);
let prev = 0;
for (const phase of Object.keys(all[0] ?? {})) {
  const at = median(all.map((r) => r[phase]).filter((v): v is number => v !== null));
  const step = at === null ? null : at - prev;
  console.log(`  ${phase.padEnd(24)} ${fmtMs(at).padStart(8)}   +${fmtMs(step)}`);
  if (at !== null && phase !== 'CLI exited') prev = at;
}
