// GET /metrics as Prometheus would read it: the output is parsed with the reference Python parser
// (Debian's python3-prometheus-client, checked for by scripts/system-deps.js), never with a regex of our own.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from '../helpers/node-test.js';
import type { AppMetric } from '../../src/protocol/app-metrics.js';
import type { ProcessDetail } from '../../src/protocol/process-info.js';
import { CounterContinuity } from '../../src/web/counter-continuity.js';
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
      const labels = { app: 'api', app_instance: String(p.instance), id: String(p.id) };
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
      for (const s of cpu.samples)
        assert.deepEqual(Object.keys(s.labels).sort(), ['app', 'app_instance', 'id']);
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
    const labelsOf = (p: typeof target) => ({
      app: 'api',
      app_instance: String(p.instance),
      id: String(p.id),
    });
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
    assert.equal(
      sampleValue(per, 'queue_depth_per_instance', { app: 'shop', app_instance: '0', id: '0' }),
      4,
    );
    assert.equal(
      sampleValue(per, 'queue_depth_per_instance', { app: 'shop', app_instance: '1', id: '1' }),
      6,
    );
    const h = family(fams, 'request_seconds', 'histogram');
    const at = { app: 'shop', route: '/buy' };
    assert.equal(sampleValue(h, 'request_seconds_bucket', { ...at, le: '0.1' }), 3);
    assert.equal(sampleValue(h, 'request_seconds_bucket', { ...at, le: '1' }), 6);
    assert.equal(sampleValue(h, 'request_seconds_bucket', { ...at, le: '+Inf' }), 8);
    assert.equal(sampleValue(h, 'request_seconds_sum', at), 4);
    assert.equal(sampleValue(h, 'request_seconds_count', at), 8);
    const cpu = family(fams, 'shoal_process_cpu_seconds', 'counter');
    assert.equal(
      sampleValue(cpu, 'shoal_process_cpu_seconds_total', { app: 'shop', app_instance: '1', id: '1' }),
      1.25,
    );
  });

  it('keeps app counters monotonic when a worker restarts, across scrapes of one server', async () => {
    const proc = (id: number, pid: number, status: ProcessDetail['status'], hits: number | null) =>
      ({
        id,
        instance: id,
        name: 'shop',
        status,
        pid,
        restarts: 0,
        uptime: 1000,
        cpu: 0,
        memory: 1,
        heap_used: null,
        heap_total: null,
        loop_delay: null,
        app_metrics:
          hits === null
            ? []
            : [
                { name: 'hits_total', help: 'hits', type: 'counter', samples: [{ labels: {}, value: hits }] },
                {
                  name: 'wait_seconds',
                  help: 'wait',
                  type: 'histogram',
                  samples: [{ labels: {}, buckets: [['+Inf', hits]], sum: hits / 10, count: hits }],
                },
              ],
      }) as ProcessDetail;
    let processes: ProcessDetail[] = [];
    const source = {
      processes: () => processes,
      apps: () => [{ name: 'shop', desired: 2 }],
      cpuSeconds: () => 0,
    };
    const continuity = new CounterContinuity();
    const hits = async () => {
      const fams = parse(await renderMetrics(source, continuity));
      const count = sampleValue(family(fams, 'wait_seconds', 'histogram'), 'wait_seconds_count', {
        app: 'shop',
      });
      return { hits: sampleValue(family(fams, 'hits', 'counter'), 'hits_total', { app: 'shop' }), count };
    };
    processes = [proc(0, 100, 'online', 10), proc(1, 101, 'online', 15)];
    assert.deepEqual(await hits(), { hits: 25, count: 25 });
    // Worker 1 is replaced: first stopped, then a new run (new pid) that has counted 2 so far.
    processes = [proc(0, 100, 'online', 11), proc(1, 101, 'stopped', null)];
    assert.deepEqual(await hits(), { hits: 26, count: 26 }, 'a stopped worker keeps its total');
    processes = [proc(0, 100, 'online', 11), proc(1, 202, 'online', 2)];
    assert.deepEqual(await hits(), { hits: 28, count: 28 }, 'the new run adds to the old one');
    // The same pid counting from 0 again (a reset without a new pid) is a new run too.
    processes = [proc(0, 100, 'online', 1), proc(1, 202, 'online', 3)];
    assert.deepEqual(await hits(), { hits: 30, count: 30 });
    // Without the kept totals (a fresh continuity), the sum would have dropped: the test can fail.
    const fresh = parse(await renderMetrics(source));
    assert.equal(sampleValue(family(fresh, 'hits', 'counter'), 'hits_total', { app: 'shop' }), 4);
  });

  it('exposes shoal_build_info and the daemon process figures', async () => {
    const fams = parse(await renderMetrics({ processes: () => [], apps: () => [], cpuSeconds: () => null }));
    const info = family(fams, 'shoal_build_info', 'gauge');
    const version = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
    assert.equal(sampleValue(info, 'shoal_build_info', { version, node_version: process.versions.node }), 1);
    const cpu = family(fams, 'shoal_daemon_cpu_seconds', 'counter');
    assert.ok((sampleValue(cpu, 'shoal_daemon_cpu_seconds_total', { mode: 'user' }) ?? 0) > 0);
    const rss = sampleValue(
      family(fams, 'shoal_daemon_resident_memory_bytes', 'gauge'),
      'shoal_daemon_resident_memory_bytes',
      {},
    );
    assert.ok((rss ?? 0) > 1_000_000, `daemon rss ${rss}`);
    const started = sampleValue(
      family(fams, 'shoal_daemon_start_time_seconds', 'gauge'),
      'shoal_daemon_start_time_seconds',
      {},
    );
    assert.ok(started !== undefined && Math.abs(started - (Date.now() / 1000 - process.uptime())) < 5);
    family(fams, 'shoal_daemon_heap_used_bytes', 'gauge');
    family(fams, 'shoal_daemon_open_fds', 'gauge');
  });

  it('keeps the sum of a cluster app counter from dropping when one worker restarts', async (t) => {
    const home = createHome(t);
    const [webPort, appPort] = [await freePort(), await freePort()];
    await home.ok(['start', fixture('counting-http.mts'), '--name', 'count', '-i', '2'], {
      env: { SHOAL_WEB_PORT: String(webPort), SHOAL_STATS_INTERVAL_MS: '200', PORT: String(appPort) },
    });
    const metricsUrl = `http://127.0.0.1:${webPort}/metrics`;
    const total = async () => {
      const fams = parse((await scrape(metricsUrl)).text);
      const f = fams.get('hits');
      return f ? (sampleValue(f, 'hits_total', { app: 'count' }) ?? 0) : 0;
    };
    const pids = new Map<string, number>();
    for (let i = 0; i < 25; i++) {
      const pid = (await (await fetch(`http://127.0.0.1:${appPort}/`)).text()).trim();
      pids.set(pid, (pids.get(pid) ?? 0) + 1);
    }
    await waitFor('the 25 requests counted in /metrics', async () => (await total()) === 25);
    const workers = await home.list();
    assert.equal(workers.length, 2);
    // Restart the worker that counted more: without carried totals the sum would drop by its count.
    const busiest = [...workers].sort(
      (a, b) => (pids.get(String(b.pid)) ?? 0) - (pids.get(String(a.pid)) ?? 0),
    )[0]!;
    assert.ok((pids.get(String(busiest.pid)) ?? 0) > 0, 'the restarted worker had counted requests');
    await home.ok(['restart', String(busiest.id)]);
    await waitFor('the new worker to report its stats', async () => {
      const [d] = await home.describe(String(busiest.id));
      return d?.status === 'online' && d.pid !== busiest.pid && d.app_metrics.length > 0;
    });
    assert.equal(await total(), 25, 'the sum keeps what the replaced worker had counted');
    await fetch(`http://127.0.0.1:${appPort}/`);
    await waitFor('one more request counted', async () => (await total()) === 26);
  });
});
