// What the figures were measured on, and how busy the machine was meanwhile: the CPU share used by
// processes that are not this bench's (other engineers' tests, say) during a measurement window.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
  };
}

function machineTicks(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]!
    .trim()
    .split(/\s+/)
    .slice(1, 9)
    .map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = fields[3]! + fields[4]!;
  return { busy: total - idle, total };
}

function processTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(rest[11]) + Number(rest[12]); // utime + stime (fields 14 and 15)
  } catch {
    return 0;
  }
}

/**
 * Samples CPU use between begin() and end(): the whole machine's busy share, and the share used by
 * processes outside this bench run (1 = every core busy). Short-lived foreign processes are included
 * (machine total minus ours), short-lived processes of ours that exit within the window are not
 * subtracted, which the throughput windows do not have.
 */
export class NoiseSampler {
  private start: { machine: { busy: number; total: number }; ours: Map<number, number> } | null = null;
  result: { machineBusy: number; foreign: number } | null = null;

  private ours(): Map<number, number> {
    const m = new Map<number, number>();
    for (const pid of [process.pid, ...markedPids()]) m.set(pid, processTicks(pid));
    return m;
  }

  begin(): void {
    this.start = { machine: machineTicks(), ours: this.ours() };
  }

  end(): void {
    if (!this.start) return;
    const machine = machineTicks();
    const ours = this.ours();
    let oursDelta = 0;
    for (const [pid, ticks] of ours) oursDelta += ticks - (this.start.ours.get(pid) ?? 0);
    const total = machine.total - this.start.machine.total;
    const busy = machine.busy - this.start.machine.busy;
    this.result =
      total > 0
        ? {
            machineBusy: busy / total,
            foreign: Math.max(0, (busy - oursDelta) / total),
          }
        : null;
  }
}
