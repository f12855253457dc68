// GET /metrics as Prometheus would read it: the output is parsed with the reference Python parser
// (Debian's python3-prometheus-client, checked for by scripts/system-deps.js), never with a regex of our own.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from '../helpers/node-test.js';
import type { AppMetric } from '../../src/protocol/app-metrics.js';
import type { ProcessDetail } from '../../src/protocol/process-info.js';
import { renderMetrics } from '../../src/web/prometheus.js';
import { createHome, fixture, freePort, waitFor } from '../helpers/shoal.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
interface Family {
  name: string;
  type: string;
  help: string;
  samples: Sample[];
}

const PARSER = `
import json, sys
from prometheus_client.parser import text_string_to_metric_families
out = []
for f in text_string_to_metric_families(sys.stdin.read()):
    out.append({"name": f.name, "type": f.type, "help": f.documentation,
                "samples": [{"name": s.name, "labels": s.labels, "value": s.value} for s in f.samples]})
print(json.dumps(out))
`;

/** Parses exposition text with prometheus_client; throws with the parser's own message if it rejects it. */
function parse(text: string): Map<string, Family> {
  const res = spawnSync('/usr/bin/python3', ['-c', PARSER], { input: text, encoding: 'utf8' });
  if (res.error || res.status !== 0) {
    throw new Error(
      `prometheus_client could not parse the output (is python3-prometheus-client installed? node scripts/system-deps.js checks):\n${res.stderr}${res.error ?? ''}`,
    );
  }
  return new Map((JSON.parse(res.stdout) as Family[]).map((f) => [f.name, f]));
}

function family(families: Map<string, Family>, name: string, type: string): Family {
  const f = families.get(name);
  assert.ok(f, `family ${name} is exposed (have: ${[...families.keys()].join(', ')})`);
  assert.equal(f.type, type, `${name} is a ${type}`);
  return f;
}

const sampleValue = (f: Family, sampleName: string, labels: Record<string, string>) =>
  f.samples.find((s) => s.name === sampleName && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    ?.value;

async function scrape(url: string): Promise<{ text: string; type: string | null }> {
  const res = await fetch(url);
  assert.equal(res.status, 200);
  return { text: await res.text(), type: res.headers.get('content-type') };
}

describe('prometheus metrics', () => {
  it('exposes every process of a running app with stable labels and live values', async (t) => {
    const home = createHome(t);
    const port = await freePort();
    await home.ok(['start', fixture('forever.js'), '--name', 'api', '-i', '2', '--exec-mode', 'fork'], {
      env: { SHOAL_WEB_PORT: String(port), SHOAL_SAMPLE_INTERVAL_MS: '500' },
    });
    const { url } = JSON.parse((await home.ok(['dashboard', '--json'])).stdout) as { url: string };
    assert.equal(url, `http://127.0.0.1:${port}/`);
    const metricsUrl = new URL('metrics', url).href;
    // A sample taken while a process is still being exec'd reads a few KB; wait for Node-sized ones.
    await waitFor('both processes sampled', async () => {
      const list = await home.list();
      return list.length === 2 && list.every((p) => p.memory > 1_000_000);
    });

    const first = await scrape(metricsUrl);
    assert.match(first.type ?? '', /^text\/plain; version=0\.0\.4/);
    const fams = parse(first.text);
    const procs = await home.list();
    assert.equal(procs.length, 2);
    for (const p of procs) {
      const labels = { app: 'api', instance: String(p.instance), id: String(p.id) };
      const cpu = family(fams, 'shoal_process_cpu_seconds', 'counter');
      const cpuValue = sampleValue(cpu, 'shoal_process_cpu_seconds_total', labels);
      assert.ok(cpuValue !== undefined && cpuValue >= 0, `cpu seconds for id ${p.id}: ${cpuValue}`);
      const mem = sampleValue(
        family(fams, 'shoal_process_resident_memory_bytes', 'gauge'),
        'shoal_process_resident_memory_bytes',
        labels,
      );
      assert.ok(mem !== undefined && mem > 1_000_000, `resident memory for id ${p.id}: ${mem}`);
      assert.equal(sampleValue(family(fams, 'shoal_process_up', 'gauge'), 'shoal_process_up', labels), 1);
      assert.equal(
        sampleValue(
          family(fams, 'shoal_process_restarts', 'counter'),
          'shoal_process_restarts_total',
          labels,
        ),
        0,
      );
      const status = family(fams, 'shoal_process_status', 'gauge');
      assert.equal(sampleValue(status, 'shoal_process_status', { ...labels, status: 'online' }), 1);
      assert.equal(sampleValue(status, 'shoal_process_status', { ...labels, status: 'errored' }), 0);
      const uptime = sampleValue(
        family(fams, 'shoal_process_uptime_seconds', 'gauge'),
        'shoal_process_uptime_seconds',
        labels,
      );
      assert.ok(uptime !== undefined && uptime > 0 && uptime < 600, `uptime in seconds: ${uptime}`);
      // Labels are the stable identity: never the pid, which changes on every restart.
      for (const s of cpu.samples) assert.deepEqual(Object.keys(s.labels).sort(), ['app', 'id', 'instance']);
    }
    const desired = family(fams, 'shoal_app_instances_desired', 'gauge');
    assert.equal(sampleValue(desired, 'shoal_app_instances_desired', { app: 'api' }), 2);
    const online = family(fams, 'shoal_app_instances_online', 'gauge');
    assert.equal(sampleValue(online, 'shoal_app_instances_online', { app: 'api' }), 2);
    for (const name of [
      'shoal_process_heap_used_bytes',
      'shoal_process_heap_total_bytes',
      'shoal_process_event_loop_delay_seconds',
    ])
      family(fams, name, 'gauge');

    // After a restart of one process: its counter moves, its labels stay, the other is untouched.
    const target = procs[0]!;
    await home.ok(['restart', String(target.id)]);
    const after = parse((await scrape(metricsUrl)).text);
    const restarts = family(after, 'shoal_process_restarts', 'counter');
    const labelsOf = (p: typeof target) => ({ app: 'api', instance: String(p.instance), id: String(p.id) });
    assert.equal(sampleValue(restarts, 'shoal_process_restarts_total', labelsOf(target)), 1);
    assert.equal(sampleValue(restarts, 'shoal_process_restarts_total', labelsOf(procs[1]!)), 0);

    // After stop: down, and the status series says so.
    await home.ok(['stop', 'api']);
    const stopped = parse((await scrape(metricsUrl)).text);
    assert.equal(
      sampleValue(family(stopped, 'shoal_process_up', 'gauge'), 'shoal_process_up', labelsOf(target)),
      0,
    );
    assert.equal(
      sampleValue(family(stopped, 'shoal_process_status', 'gauge'), 'shoal_process_status', {
        ...labelsOf(target),
        status: 'stopped',
      }),
      1,
    );
    assert.equal(
      sampleValue(family(stopped, 'shoal_app_instances_online', 'gauge'), 'shoal_app_instances_online', {
        app: 'api',
      }),
      0,
    );
  });

  it('aggregates app metrics over processes: counters and histograms summed, gauges summed and per instance', async () => {
    const metric = (type: AppMetric['type'], samples: AppMetric['samples']): AppMetric => ({
      name: type === 'counter' ? 'orders_total' : type === 'gauge' ? 'queue_depth' : 'request_seconds',
      help: `test ${type}`,
      type,
      samples,
    });
    const proc = (id: number, instance: number, metrics: AppMetric[]): ProcessDetail =>
      ({
        id,
        instance,
        name: 'shop',
        status: 'online',
        pid: 1000 + id,
        restarts: 0,
        uptime: 1000,
        cpu: 0,
        memory: 1,
        heap_used: null,
        heap_total: null,
        loop_delay: null,
        app_metrics: metrics,
      }) as ProcessDetail;
    const hist = (b1: number, b2: number, inf: number, sum: number): AppMetric['samples'][number] => ({
      labels: { route: '/buy' },
      buckets: [
        [0.1, b1],
        [1, b2],
        ['+Inf', inf],
      ],
      sum,
      count: inf,
    });
    const processes = [
      proc(0, 0, [
        metric('counter', [{ labels: { kind: 'paid' }, value: 3 }]),
        metric('gauge', [{ labels: {}, value: 4 }]),
        metric('histogram', [hist(1, 2, 3, 1.5)]),
      ]),
      proc(1, 1, [
        metric('counter', [{ labels: { kind: 'paid' }, value: 5 }]),
        metric('gauge', [{ labels: {}, value: 6 }]),
        metric('histogram', [hist(2, 4, 5, 2.5)]),
      ]),
    ];
    const text = await renderMetrics({
      processes: () => processes,
      apps: () => [{ name: 'shop', desired: 2 }],
      cpuSeconds: () => 1.25,
    });
    const fams = parse(text);
    assert.equal(
      sampleValue(family(fams, 'orders', 'counter'), 'orders_total', { app: 'shop', kind: 'paid' }),
      8,
    );
    const gauge = family(fams, 'queue_depth', 'gauge');
    assert.equal(sampleValue(gauge, 'queue_depth', { app: 'shop' }), 10);
    const per = family(fams, 'queue_depth_per_instance', 'gauge');
    assert.equal(sampleValue(per, 'queue_depth_per_instance', { app: 'shop', instance: '0', id: '0' }), 4);
    assert.equal(sampleValue(per, 'queue_depth_per_instance', { app: 'shop', instance: '1', id: '1' }), 6);
    const h = family(fams, 'request_seconds', 'histogram');
    const at = { app: 'shop', route: '/buy' };
    assert.equal(sampleValue(h, 'request_seconds_bucket', { ...at, le: '0.1' }), 3);
    assert.equal(sampleValue(h, 'request_seconds_bucket', { ...at, le: '1' }), 6);
    assert.equal(sampleValue(h, 'request_seconds_bucket', { ...at, le: '+Inf' }), 8);
    assert.equal(sampleValue(h, 'request_seconds_sum', at), 4);
    assert.equal(sampleValue(h, 'request_seconds_count', at), 8);
    const cpu = family(fams, 'shoal_process_cpu_seconds', 'counter');
    assert.equal(
      sampleValue(cpu, 'shoal_process_cpu_seconds_total', { app: 'shop', instance: '1', id: '1' }),
      1.25,
    );
  });
});
