// Keeps the app counters of /metrics monotonic across process restarts. An app's counters and
// histograms live in its processes and start again from 0 when one is replaced (crash, reload, memory
// limit), so a plain sum over the processes drops, and Prometheus reads every drop as a counter reset of
// the whole series. Here each process's series carries what its earlier runs had counted: when a
// process shows a new pid or a lower value, its last value is added to an offset. Processes that stopped
// keep their last total in the sum. What a run counted after the last scrape before it died is lost,
// as it would be for Prometheus itself.
import type { AppMetric } from '../protocol/app-metrics.js';
import type { ProcessDetail } from '../protocol/process-info.js';

type Sample = AppMetric['samples'][number];

interface Values {
  value: number;
  sum: number;
  count: number;
  buckets: Map<number | '+Inf', number>;
}

interface Track {
  app: string;
  id: number;
  instance: number;
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  labels: Record<string, string>;
  pid: number | null;
  last: Values;
  offset: Values;
}

/** What the aggregation reads: one holder of app metrics per process (running or not). */
export interface MetricHolder {
  name: string;
  id: number;
  instance: number;
  app_metrics: AppMetric[];
}

const zero = (): Values => ({ value: 0, sum: 0, count: 0, buckets: new Map() });

function valuesOf(s: Sample): Values {
  return {
    value: s.value ?? 0,
    sum: s.sum ?? 0,
    count: s.count ?? 0,
    buckets: new Map((s.buckets ?? []).map(([le, n]) => [le, n])),
  };
}

function add(a: Values, b: Values): Values {
  const buckets = new Map(a.buckets);
  for (const [le, n] of b.buckets) buckets.set(le, (buckets.get(le) ?? 0) + n);
  return { value: a.value + b.value, sum: a.sum + b.sum, count: a.count + b.count, buckets };
}

/** A counter going down, or a histogram whose count goes down, means the process started counting again. */
const wentDown = (now: Values, before: Values) => now.value < before.value || now.count < before.count;

export class CounterContinuity {
  private readonly tracks = new Map<string, Track>();

  /**
   * The processes' app metrics with every counter and histogram replaced by its running total, plus one
   * holder per process that is not online but counted before. Gauges pass through as they are.
   */
  holders(processes: ProcessDetail[], apps: Iterable<string>): MetricHolder[] {
    const known = new Set(apps);
    for (const [key, t] of this.tracks) if (!known.has(t.app)) this.tracks.delete(key);
    const out = new Map<number, MetricHolder>();
    for (const p of processes) {
      if (p.status !== 'online') continue;
      const metrics = p.app_metrics.map((m) => {
        if (m.type === 'gauge') return m;
        return { ...m, samples: m.samples.map((s) => this.observe(p, m, s)) };
      });
      out.set(p.id, { name: p.name, id: p.id, instance: p.instance, app_metrics: metrics });
    }
    const seen = new Set<string>();
    for (const h of out.values())
      for (const m of h.app_metrics)
        for (const s of m.samples) seen.add(keyOf(h.name, h.id, m.name, s.labels));
    // Series a process counted in an earlier run but does not report now (stopped, restarting, or a
    // new run that has not reported yet): their totals stay in the sum.
    for (const [key, t] of this.tracks) {
      if (seen.has(key)) continue;
      const holder = out.get(t.id) ?? { name: t.app, id: t.id, instance: t.instance, app_metrics: [] };
      out.set(t.id, holder);
      let metric = holder.app_metrics.find((m) => m.name === t.name);
      if (!metric) {
        metric = { name: t.name, help: t.help, type: t.type, samples: [] };
        holder.app_metrics.push(metric);
      }
      metric.samples.push(sampleOf(t.labels, add(t.offset, t.last)));
    }
    return [...out.values()];
  }

  private observe(p: ProcessDetail, m: AppMetric, s: Sample): Sample {
    const key = keyOf(p.name, p.id, m.name, s.labels);
    const now = valuesOf(s);
    let t = this.tracks.get(key);
    if (!t) {
      t = {
        app: p.name,
        id: p.id,
        instance: p.instance,
        name: m.name,
        help: m.help,
        type: m.type as Track['type'],
        labels: s.labels,
        pid: p.pid,
        last: now,
        offset: zero(),
      };
      this.tracks.set(key, t);
    } else {
      if (t.pid !== p.pid || wentDown(now, t.last)) t.offset = add(t.offset, t.last);
      t.pid = p.pid;
      t.last = now;
    }
    return sampleOf(s.labels, add(t.offset, now));
  }
}

function keyOf(app: string, id: number, metric: string, labels: Record<string, string>): string {
  return JSON.stringify([app, id, metric, Object.entries(labels).sort(([a], [b]) => a.localeCompare(b))]);
}

function sampleOf(labels: Record<string, string>, v: Values): Sample {
  const sample: Sample = { labels, value: v.value };
  if (v.buckets.size > 0 || v.count > 0) {
    sample.buckets = [...v.buckets.entries()];
    sample.sum = v.sum;
    sample.count = v.count;
  }
  return sample;
}
