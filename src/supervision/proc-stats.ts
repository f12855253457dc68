// CPU and memory of a process read straight from the OS: /proc on Linux (no child process, a few
// microseconds per pid), `ps` elsewhere. CPU percent is computed between two samples of the same pid.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProcSample {
  /** User+system CPU time in seconds, since the process started. */
  cpuSeconds: number;
  /** Resident memory in bytes. */
  rss: number;
}

const CLOCK_TICKS = 100; // USER_HZ is 100 on every Linux architecture Node supports
const PAGE_SIZE = 4096;

/**
 * The whole number that starts at `at` in `text` and runs to the next space. Read digit by digit: with a
 * thousand processes sampled every 2 s, splitting each stat line into its 52 fields was most of what the
 * daemon allocated while idle, and the collections that followed cost more than the reads.
 */
function wholeNumberAt(text: string, at: number): number {
  let n = 0;
  for (let i = at; i < text.length; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    n = n * 10 + d;
  }
  return n;
}

/** Where field `index` starts (0 = the state field, right after the name's closing parenthesis), or -1. */
function fieldStart(stat: string, index: number): number {
  let at = stat.lastIndexOf(')') + 2;
  for (let f = 0; f < index; f++) {
    at = stat.indexOf(' ', at) + 1;
    if (at === 0) return -1;
  }
  return at;
}

/** CPU time and resident memory from a /proc/<pid>/stat line, or null if it is not one. */
export function parseProcStat(stat: string): ProcSample | null {
  // Counted from after the name: 11 = utime, 12 = stime, 21 = rss in pages (fields 14, 15 and 24 of
  // proc(5)). The name may hold spaces and parentheses: fields start after its last ")".
  const utime = fieldStart(stat, 11);
  const stime = stat.indexOf(' ', utime) + 1;
  const rss = fieldStart(stat, 21);
  if (utime <= 0 || stime <= 0 || rss < 0) return null;
  const ticks = wholeNumberAt(stat, utime) + wholeNumberAt(stat, stime);
  return { cpuSeconds: ticks / CLOCK_TICKS, rss: wholeNumberAt(stat, rss) * PAGE_SIZE };
}

export function readProcSample(pid: number): ProcSample | null {
  if (process.platform === 'linux') {
    try {
      // One file per pid: stat holds the resident set too (the same count statm gives), and with a
      // thousand processes every read of every tick shows in the daemon's idle CPU.
      return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return null;
    }
  }
  try {
    const out = execFileSync('ps', ['-o', 'rss=,time=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    const [rssKb, time] = out.split(/\s+/);
    if (!rssKb || !time) return null;
    const parts = time.split(/[:-]/).map(Number).reverse();
    const seconds = (parts[0] ?? 0) + (parts[1] ?? 0) * 60 + (parts[2] ?? 0) * 3600 + (parts[3] ?? 0) * 86400;
    return { cpuSeconds: seconds, rss: Number(rssKb) * 1024 };
  } catch {
    return null;
  }
}

/** Remembers the previous sample per pid so each call returns CPU % over the interval since the last one. */
export class CpuMeter {
  private last = new Map<number, { at: number; cpuSeconds: number }>();

  sample(pid: number, now: number): { cpu: number; memory: number; cpuSeconds: number } | null {
    const s = readProcSample(pid);
    if (!s) {
      this.last.delete(pid);
      return null;
    }
    const prev = this.last.get(pid);
    let cpu = 0;
    if (prev && now > prev.at) cpu = ((s.cpuSeconds - prev.cpuSeconds) / ((now - prev.at) / 1000)) * 100;
    // Updated in place: one long-lived record per pid rather than a new one every tick.
    if (prev) {
      prev.at = now;
      prev.cpuSeconds = s.cpuSeconds;
    } else this.last.set(pid, { at: now, cpuSeconds: s.cpuSeconds });
    return { cpu: Math.max(0, Math.round(cpu * 10) / 10), memory: s.rss, cpuSeconds: s.cpuSeconds };
  }

  forget(pid: number): void {
    this.last.delete(pid);
  }
}
