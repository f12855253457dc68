// Samples CPU and memory of every supervised pid at a fixed interval, straight from the OS, so that
// `ls` answers from memory instead of measuring on each call. Cost is a couple of small file reads per pid.
import { CpuMeter } from '../supervision/proc-stats.js';
import { now } from '../supervision/clock.js';

export interface Sample {
  cpu: number;
  memory: number;
  cpuSeconds: number;
  at: number;
}

export class MetricsSampler {
  private readonly meter = new CpuMeter();
  private readonly latest = new Map<number, Sample>();
  private timer: NodeJS.Timeout | null = null;
  private readonly tickListeners = new Set<() => void>();

  constructor(
    private readonly pids: () => number[],
    readonly intervalMs: number,
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
    const alive = new Set(this.pids());
    for (const pid of this.latest.keys()) {
      if (!alive.has(pid)) {
        this.latest.delete(pid);
        this.meter.forget(pid);
      }
    }
    for (const pid of alive) {
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
}
