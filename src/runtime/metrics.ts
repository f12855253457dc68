// App metrics declared in code (counters, gauges, histograms with optional labels). The runtime hands
// them to the preload's hook, which sends them with each worker's periodic stats; the daemon sums them
// over workers for `shoal describe` and the Prometheus endpoint. Outside Shoal they are simply kept.
import { ShoalError } from '../errors.js';
import type { AppMetric } from '../protocol/app-metrics.js';
import { findPreloadHook } from './preload-link.js';

export type Labels = Record<string, string | number>;

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Every series travels to the daemon every few seconds: unbounded label values would swamp it. */
const MAX_SERIES = 500;
export const DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function invalid(message: string, name: string): ShoalError {
  return new ShoalError('SHOAL_ERR_METRICS_INVALID', message, { metric: name });
}

/** One metric's series by label set; the key is the labels in a stable order. */
abstract class Metric<S> {
  protected readonly series = new Map<string, { labels: Record<string, string>; state: S }>();
  private warned = false;

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: AppMetric['type'],
  ) {}

  protected state(labels: Labels | undefined, create: () => S): S | null {
    const norm: Record<string, string> = {};
    for (const k of Object.keys(labels ?? {}).sort()) {
      if (!LABEL.test(k) || k === 'le')
        throw invalid(`Label "${k}" of ${this.name} is not a valid label name.`, this.name);
      norm[k] = String(labels![k]);
    }
    const key = JSON.stringify(norm);
    let entry = this.series.get(key);
    if (!entry) {
      if (this.series.size >= MAX_SERIES) {
        if (!this.warned) {
          this.warned = true;
          process.emitWarning(
            `${this.name} has ${MAX_SERIES} label combinations; new ones are dropped. Use labels with few values (never ids).`,
            { code: 'SHOAL_METRICS_CARDINALITY' },
          );
        }
        return null;
      }
      entry = { labels: norm, state: create() };
      this.series.set(key, entry);
    }
    return entry.state;
  }

  abstract collect(): AppMetric;
}

/** Splits the (labels?, value?) and (value?) call forms. */
function args(
  a: Labels | number | undefined,
  b: number | undefined,
  fallback: number,
): [Labels | undefined, number] {
  return typeof a === 'object' ? [a, b ?? fallback] : [undefined, a ?? fallback];
}

function finite(value: number, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw invalid(`${name} got ${String(value)}, not a finite number.`, name);
  return value;
}

export class Counter extends Metric<{ value: number }> {
  constructor(name: string, help: string) {
    super(name, help, 'counter');
  }
  /** inc(), inc(by), inc(labels), inc(labels, by). A counter only goes up. */
  inc(labelsOrBy?: Labels | number, by?: number): void {
    const [labels, n] = args(labelsOrBy, by, 1);
    if (finite(n, this.name) < 0)
      throw invalid(`${this.name} is a counter and cannot decrease (got ${n}); use a gauge.`, this.name);
    const s = this.state(labels, () => ({ value: 0 }));
    if (s) s.value += n;
  }
  collect(): AppMetric {
    const samples = [...this.series.values()].map((e) => ({ labels: e.labels, value: e.state.value }));
    return { name: this.name, help: this.help, type: 'counter', samples };
  }
}

export class Gauge extends Metric<{ value: number }> {
  constructor(name: string, help: string) {
    super(name, help, 'gauge');
  }
  /** set(value) or set(labels, value). */
  set(labelsOrValue: Labels | number, value?: number): void {
    const [labels, n] = args(labelsOrValue, value, Number.NaN);
    const s = this.state(labels, () => ({ value: 0 }));
    if (s) s.value = finite(n, this.name);
  }
  inc(labelsOrBy?: Labels | number, by?: number): void {
    const [labels, n] = args(labelsOrBy, by, 1);
    const s = this.state(labels, () => ({ value: 0 }));
    if (s) s.value += finite(n, this.name);
  }
  dec(labelsOrBy?: Labels | number, by?: number): void {
    const [labels, n] = args(labelsOrBy, by, 1);
    this.inc(labels ?? {}, -finite(n, this.name));
  }
  collect(): AppMetric {
    const samples = [...this.series.values()].map((e) => ({ labels: e.labels, value: e.state.value }));
    return { name: this.name, help: this.help, type: 'gauge', samples };
  }
}

interface HistogramState {
  counts: number[];
  sum: number;
  count: number;
}

export class Histogram extends Metric<HistogramState> {
  readonly buckets: readonly number[];
  constructor(name: string, help: string, buckets: readonly number[] = DEFAULT_BUCKETS) {
    super(name, help, 'histogram');
    const sorted = [...buckets].sort((a, b) => a - b);
    if (sorted.length === 0 || sorted.some((b, i) => !Number.isFinite(b) || (i > 0 && b === sorted[i - 1]))) {
      throw invalid(`${name}: buckets must be distinct finite numbers (+Inf is added for you).`, name);
    }
    this.buckets = sorted;
  }
  /** observe(value) or observe(labels, value). */
  observe(labelsOrValue: Labels | number, value?: number): void {
    const [labels, v] = args(labelsOrValue, value, Number.NaN);
    finite(v, this.name);
    const s = this.state(labels, () => ({ counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
    if (!s) return;
    // Per-bucket counts here; cumulative ones are built at collect time.
    const i = this.buckets.findIndex((b) => v <= b);
    if (i >= 0) s.counts[i]!++;
    s.sum += v;
    s.count++;
  }
  /** Starts a timer; the returned function observes the elapsed seconds. */
  startTimer(labels?: Labels): () => number {
    const start = process.hrtime.bigint();
    return () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      this.observe(labels ?? {}, seconds);
      return seconds;
    };
  }
  collect(): AppMetric {
    const samples = [...this.series.values()].map(({ labels, state }) => {
      let cumulative = 0;
      const buckets: [number | '+Inf', number][] = this.buckets.map((le, i) => {
        cumulative += state.counts[i]!;
        return [le, cumulative];
      });
      buckets.push(['+Inf', state.count]);
      return { labels, buckets, sum: state.sum, count: state.count };
    });
    return { name: this.name, help: this.help, type: 'histogram', samples };
  }
}

export interface Metrics {
  /** Declares (or returns the already declared) counter. */
  counter(name: string, help: string): Counter;
  gauge(name: string, help: string): Gauge;
  histogram(name: string, help: string, buckets?: readonly number[]): Histogram;
  /** Every metric in the wire shape the preload sends; for tests or your own endpoint. */
  collect(): AppMetric[];
}

export function createMetrics(): Metrics {
  const registry = new Map<string, Metric<unknown>>();
  let attached = false;
  const collect = (): AppMetric[] => [...registry.values()].map((m) => m.collect());
  const declare = <M extends Metric<unknown>>(name: string, type: AppMetric['type'], make: () => M): M => {
    if (typeof name !== 'string' || !NAME.test(name)) {
      throw invalid(`Metric name "${String(name)}" must match ${NAME} (Prometheus rules).`, String(name));
    }
    const existing = registry.get(name);
    if (existing) {
      if (existing.type !== type) throw invalid(`${name} is already declared as a ${existing.type}.`, name);
      return existing as M;
    }
    const metric = make();
    registry.set(name, metric);
    // The hook is installed by the preload before the app's code runs; outside Shoal there is none.
    if (!attached) {
      attached = true;
      findPreloadHook()?.setMetricsProvider(collect);
    }
    return metric;
  };
  return {
    counter: (name, help) => declare(name, 'counter', () => new Counter(name, help)),
    gauge: (name, help) => declare(name, 'gauge', () => new Gauge(name, help)),
    histogram: (name, help, buckets) => declare(name, 'histogram', () => new Histogram(name, help, buckets)),
    collect,
  };
}

/** The app's metrics, reported by Shoal with each process's stats. */
export const metrics: Metrics = createMetrics();
