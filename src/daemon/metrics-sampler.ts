// Samples CPU and memory of every supervised pid at a fixed interval, straight from the OS, so that
// `ls` answers from memory instead of measuring on each call. Cost is one small file read per pid, so a
// tick reads at most PIDS_PER_TICK pids: beyond that, the pids take turns (new ones first), and each is
// sampled every ceil(n / PIDS_PER_TICK) ticks.
import { CpuMeter } from '../supervision/proc-stats.js';
import { now } from '../supervision/clock.js';

export interface Sample {
  cpu: number;
  memory: number;
  cpuSeconds: number;
  at: number;
}

/**
 * At 1,000 processes, reading every pid every 2 s was the daemon's whole idle CPU (about 2.5 % of a core:
 * some 13 µs per read plus the garbage). 250 per tick keeps that under 1 % however many there are, and
 * leaves smaller setups (the usual ones) sampled in full on every tick.
 */
export const PIDS_PER_TICK = 250;

/** What the sampler reads a pid with: CpuMeter, or a stand-in in tests. */
export interface PidMeter {
  sample(pid: number, now: number): { cpu: number; memory: number; cpuSeconds: number } | null;
  forget(pid: number): void;
}

export class MetricsSampler {
  private readonly latest = new Map<number, Sample>();
  /** Where the next tick's turn starts in the pid list, when there are more pids than one tick reads. */
  private cursor = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly tickListeners = new Set<() => void>();

  constructor(
    private readonly pids: () => number[],
    readonly intervalMs: number,
    private readonly meter: PidMeter = new CpuMeter(),
  ) {}

  start(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Calls listener after every tick, once fresh samples are in (memory limit, ...); returns an unsubscribe. */
  onTick(listener: () => void): () => void {
    this.tickListeners.add(listener);
    return () => this.tickListeners.delete(listener);
  }

  get(pid: number | null): Sample | undefined {
    return pid === null ? undefined : this.latest.get(pid);
  }

  tick(): void {
    const t = now();
    const pids = this.pids();
    const alive = new Set(pids);
    for (const pid of this.latest.keys()) {
      if (!alive.has(pid)) {
        this.latest.delete(pid);
        this.meter.forget(pid);
      }
    }
    for (const pid of pids.length <= PIDS_PER_TICK ? alive : this.turn(pids)) {
      const s = this.meter.sample(pid, t);
      if (!s) continue;
      // Updated in place, as the meter's own records: a thousand pids make a thousand objects per tick.
      const kept = this.latest.get(pid);
      if (kept) {
        kept.cpu = s.cpu;
        kept.memory = s.memory;
        kept.cpuSeconds = s.cpuSeconds;
        kept.at = t;
      } else this.latest.set(pid, { ...s, at: t });
    }
    // A failing listener must not stop sampling for everyone else.
    for (const listener of this.tickListeners) {
      try {
        listener();
      } catch {
        // the listener logs its own failures
      }
    }
  }

  /** This tick's share of a long pid list: pids never sampled first, then the next ones in turn. */
  private turn(pids: number[]): Set<number> {
    const due = new Set<number>();
    for (const pid of pids) {
      if (due.size === PIDS_PER_TICK) return due;
      if (!this.latest.has(pid)) due.add(pid);
    }
    for (let k = 0; k < pids.length && due.size < PIDS_PER_TICK; k++)
      due.add(pids[(this.cursor + k) % pids.length]!);
    this.cursor = (this.cursor + PIDS_PER_TICK) % pids.length;
    return due;
  }
}
