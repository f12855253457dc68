// What the figures were measured on, and how busy the machine was meanwhile: the CPU share used by
// processes that are not this bench's (other engineers' tests, say) during a measurement window.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { markedPids, ROOT } from './processes.js';

export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  memTotalMb: number;
  node: string;
  pm2: string;
  kernel: string;
  shoalCommit: string;
  /** Files changed in the work tree when the bench ran (the tree is shared and may be mid-edit). */
  dirtyFiles: number;
  loadavgAtStart: number[];
  /**
   * NODE_EXTRA_CA_CERTS as the bench found it. When set, every Node process both managers start reads
   * and parses that file before running any code (about 90 ms of CPU with a system bundle), so it weighs
   * on start-up figures; the report names it. Optional: results saved before it was recorded lack it.
   */
  extraCaCerts?: string | null;
}

/** The machine line's note on NODE_EXTRA_CA_CERTS, or '' when it was not set (or not recorded). */
export function extraCaNote(m: MachineInfo): string {
  return m.extraCaCerts
    ? `; NODE_EXTRA_CA_CERTS=${m.extraCaCerts} is set, so every Node process of the CLIs and apps reads that file as it starts (Shoal's daemon and primaries start without it)`
    : '';
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', timeout: 10_000 }).trim();
  } catch {
    return 'unknown';
  }
}

export function machineInfo(): MachineInfo {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const meminfo = readFileSync('/proc/meminfo', 'utf8');
  const pm2 = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'pm2', 'package.json'), 'utf8')) as {
    version: string;
  };
  const status = git(['status', '--porcelain']);
  return {
    nproc: os.availableParallelism(),
    cpuModel: /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown',
    memTotalMb: Math.round(Number(/^MemTotal:\s+(\d+)/m.exec(meminfo)?.[1] ?? 0) / 1024),
    node: process.version,
    pm2: pm2.version,
    kernel: os.release(),
    shoalCommit: git(['rev-parse', '--short', 'HEAD']),
    dirtyFiles: status === 'unknown' || status === '' ? 0 : status.split('\n').length,
    loadavgAtStart: os.loadavg().map((n) => Math.round(n * 100) / 100),
    extraCaCerts: process.env.NODE_EXTRA_CA_CERTS ?? null,
  };
}

/** Machine-wide ticks from /proc/stat: busy (everything but idle and iowait) and total. */
function machineTicks(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - f[3]! - f[4]!, total };
}

const PF_KTHREAD = 0x00200000;
/** Clock ticks per second of /proc/PID/stat times (USER_HZ: 100 on every Linux this runs on). */
const CLK_TCK = 100;

/**
 * CPU ticks of every user-space process: own time plus the time of children it has reaped, so a
 * short-lived process (a test's CLI call) still shows through its parent. Kernel threads are left out:
 * softirq work for our own loopback traffic lands there.
 */
function processTicks(): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // After "pid (comm) ": state=0 ppid=1 ... flags=6 ... utime=11 stime=12 cutime=13 cstime=14
      if ((Number(f[6]) & PF_KTHREAD) !== 0) continue;
      ticks.set(Number(name), Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]));
    } catch {
      // exited meanwhile
    }
  }
  return ticks;
}

/**
 * Samples CPU use between begin() and end(): the whole machine's busy share, and the share used by
 * user-space processes outside this bench run (1 = every core busy). A foreign process that ends inside
 * the window shows through its parent once reaped; ours are left out by pid.
 */
export class NoiseSampler {
  private start: { machine: { busy: number; total: number }; procs: Map<number, number> } | null = null;
  result: {
    machineBusy: number;
    foreign: number;
    /** CPU ms used by this run's processes other than `exclude` (the server side of a throughput window). */
    oursMs: number;
  } | null = null;

  begin(): void {
    this.start = { machine: machineTicks(), procs: processTicks() };
  }

  /** `exclude`: our own pids that are not part of what is measured (the runner, the load generators). */
  end(exclude: readonly number[] = []): void {
    if (!this.start) return;
    const machine = machineTicks();
    const procs = processTicks();
    const ours = new Set([process.pid, ...markedPids()]);
    const skip = new Set(exclude);
    let foreign = 0;
    let oursAll = 0;
    let oursTicks = 0;
    for (const [pid, ticks] of procs) {
      const delta = Math.max(0, ticks - (this.start.procs.get(pid) ?? 0));
      if (!ours.has(pid)) foreign += delta;
      else {
        oursAll += delta;
        if (!skip.has(pid)) oursTicks += delta;
      }
    }
    const total = machine.total - this.start.machine.total;
    const busy = machine.busy - this.start.machine.busy;
    // The per-process sum over-counts when a foreign parent reaps a long-lived child inside the window
    // (the child's whole life lands in cutime at once); machine busy minus ours over-counts by the kernel's
    // softirq work for our own traffic. Both are upper bounds: keep the smaller.
    const upper = Math.max(0, busy - oursAll);
    this.result =
      total > 0
        ? {
            machineBusy: busy / total,
            foreign: Math.min(foreign, upper) / total,
            oursMs: (oursTicks * 1000) / CLK_TCK,
          }
        : null;
  }
}
