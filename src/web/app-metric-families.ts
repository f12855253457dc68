// The apps' own metrics (shoal/runtime's metrics API) in the exposition: each metric name summed over
// the processes of each app, gauges also per process, and names Shoal exposes itself left out.
import { Gauge, Histogram, Counter, type Registry } from 'prom-client';
import type { AppMetric } from '../protocol/app-metrics.js';
import type { MetricHolder } from './counter-continuity.js';

/** One app metric name over every app that reports it, samples keyed by their full label set. */
interface AppFamily {
  name: string;
  help: string;
  type: AppMetric['type'];
  labelNames: string[];
  /** Summed over the processes of each app (counters, gauges, histograms). */
  series: Map<string, AggregatedSample>;
  /** Gauges only: the value of each process, with its app_instance and id. */
  perInstance: Map<string, AggregatedSample>;
}

interface AggregatedSample {
  labels: Record<string, string>;
  value: number;
  buckets: Map<number, number>;
  sum: number;
  count: number;
}

const RESERVED = new Set(['app', 'app_instance', 'id']);
/** Names Shoal itself exposes; an app metric with one of these names would corrupt them, so it is left out. */
const isShoalName = (name: string) => name.startsWith('shoal_');

/** Over the holders CounterContinuity gives: online processes, and counters of the ones that stopped. */
export function aggregateAppMetrics(holders: MetricHolder[]): AppFamily[] {
  const families = new Map<string, AppFamily>();
  for (const p of holders) {
    for (const m of p.app_metrics) {
      if (isShoalName(m.name)) continue;
      let f = families.get(m.name);
      if (!f) {
        f = {
          name: m.name,
          help: m.help,
          type: m.type,
          labelNames: [],
          series: new Map(),
          perInstance: new Map(),
        };
        families.set(m.name, f);
      }
      // Two apps declaring one name with different types cannot share a family: the first one wins.
      if (f.type !== m.type) continue;
      for (const s of m.samples) {
        const own: Record<string, string> = {};
        // The app's own "app"/"app_instance"/"id" labels would clash with Shoal's: keep them as exported_*.
        for (const [k, v] of Object.entries(s.labels)) own[RESERVED.has(k) ? `exported_${k}` : k] = v;
        addTo(f.series, { app: p.name, ...own }, s);
        if (m.type === 'gauge')
          addTo(
            f.perInstance,
            { app: p.name, app_instance: String(p.instance), id: String(p.id), ...own },
            s,
          );
        for (const k of Object.keys(own)) if (!f.labelNames.includes(k)) f.labelNames.push(k);
      }
    }
  }
  return [...families.values()];
}

function addTo(
  series: Map<string, AggregatedSample>,
  labels: Record<string, string>,
  s: AppMetric['samples'][number],
): void {
  const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
  let agg = series.get(key);
  if (!agg) {
    agg = { labels, value: 0, buckets: new Map(), sum: 0, count: 0 };
    series.set(key, agg);
  }
  agg.value += s.value ?? 0;
  agg.sum += s.sum ?? 0;
  agg.count += s.count ?? 0;
  for (const [le, n] of s.buckets ?? []) {
    const bound = le === '+Inf' ? Number.POSITIVE_INFINITY : le;
    agg.buckets.set(bound, (agg.buckets.get(bound) ?? 0) + n);
  }
}

export function registerAppFamily(registry: Registry, f: AppFamily): void {
  const registers = [registry];
  const labelNames = ['app', ...f.labelNames];
  if (f.type === 'counter') {
    const c = new Counter({ name: f.name, help: f.help, labelNames, registers });
    for (const s of f.series.values()) c.inc(s.labels, Math.max(0, s.value));
  } else if (f.type === 'gauge') {
    const g = new Gauge({
      name: f.name,
      help: `${f.help} (sum over the app's processes)`,
      labelNames,
      registers,
    });
    for (const s of f.series.values()) g.set(s.labels, s.value);
    const per = new Gauge({
      name: `${f.name}_per_instance`,
      help: `${f.help} (each process)`,
      labelNames: ['app', 'app_instance', 'id', ...f.labelNames],
      registers,
    });
    for (const s of f.perInstance.values()) per.set(s.labels, s.value);
  } else {
    registry.registerMetric(new PresetHistogram(f.name, f.help, labelNames, [...f.series.values()]));
  }
}

type HistogramData = Awaited<ReturnType<Histogram<string>['get']>>;

/**
 * A histogram whose buckets were counted elsewhere (in the app's processes) and only summed here.
 * prom-client's Histogram can only observe values, so the series are supplied at export instead: its
 * Registry reads getForPromString() when present (v15) and get() otherwise; both return the preset.
 * The prometheus test parses this output with the reference parser, so a prom-client change shows there.
 */
class PresetHistogram extends Histogram<string> {
  constructor(
    private readonly family: string,
    private readonly helpText: string,
    labelNames: string[],
    private readonly preset: AggregatedSample[],
  ) {
    super({ name: family, help: helpText, labelNames, registers: [] });
  }

  override async get(): Promise<HistogramData> {
    return {
      name: this.family,
      help: this.helpText,
      // prom-client declares a numeric enum here but uses the string at run time
      type: 'histogram' as unknown as HistogramData['type'],
      aggregator: 'sum',
      values: this.presetValues(),
    } as HistogramData;
  }

  getForPromString(): Promise<HistogramData> {
    return this.get();
  }

  private presetValues() {
    const values: Array<{ labels: Record<string, string | number>; value: number; metricName: string }> = [];
    for (const s of this.preset) {
      const bounds = [...s.buckets.keys()].filter((b) => Number.isFinite(b)).sort((a, b) => a - b);
      for (const le of bounds)
        values.push({
          metricName: `${this.family}_bucket`,
          labels: { ...s.labels, le },
          value: s.buckets.get(le)!,
        });
      const inf = s.buckets.get(Number.POSITIVE_INFINITY) ?? s.count;
      values.push({ metricName: `${this.family}_bucket`, labels: { ...s.labels, le: '+Inf' }, value: inf });
      values.push({ metricName: `${this.family}_sum`, labels: s.labels, value: s.sum });
      values.push({ metricName: `${this.family}_count`, labels: s.labels, value: s.count });
    }
    return values;
  }
}
