// App metrics: counters, gauges and histograms with labels, serialized in the shape the preload sends
// (checked against the protocol schema), handed to Shoal's preload hook, and bounded in cardinality.
import assert from 'node:assert/strict';
import { describe, it } from '../helpers/node-test.js';
import { collectWarnings } from '../helpers/node-warnings.js';
import { AppMetricSchema } from '../../src/protocol/app-metrics.js';
import { PRELOAD_HOOK, type PreloadHook } from '../../src/protocol/preload-hook.js';
import { createMetrics } from '../../src/runtime/metrics.js';

describe('app metrics', () => {
  it('serializes counters, gauges and histograms in the wire shape', () => {
    const m = createMetrics();
    const reqs = m.counter('http_requests_total', 'Requests');
    reqs.inc();
    reqs.inc(2);
    reqs.inc({ route: '/a', status: 200 });
    reqs.inc({ status: 200, route: '/a' }, 3);
    const inflight = m.gauge('inflight', 'In flight');
    inflight.set(5);
    inflight.inc();
    inflight.dec(2);
    inflight.set({ pool: 'db' }, 7);
    const latency = m.histogram('latency_seconds', 'Latency', [0.1, 1]);
    for (const v of [0.05, 0.1, 0.5, 3]) latency.observe(v);
    latency.observe({ route: '/a' }, 0.2);

    const out = m.collect();
    for (const metric of out) AppMetricSchema.parse(metric);
    assert.deepEqual(out, [
      {
        name: 'http_requests_total',
        help: 'Requests',
        type: 'counter',
        samples: [
          { labels: {}, value: 3 },
          { labels: { route: '/a', status: '200' }, value: 4 },
        ],
      },
      {
        name: 'inflight',
        help: 'In flight',
        type: 'gauge',
        samples: [
          { labels: {}, value: 4 },
          { labels: { pool: 'db' }, value: 7 },
        ],
      },
      {
        name: 'latency_seconds',
        help: 'Latency',
        type: 'histogram',
        samples: [
          {
            labels: {},
            buckets: [
              [0.1, 2],
              [1, 3],
              ['+Inf', 4],
            ],
            sum: 3.65,
            count: 4,
          },
          {
            labels: { route: '/a' },
            buckets: [
              [0.1, 0],
              [1, 1],
              ['+Inf', 1],
            ],
            sum: 0.2,
            count: 1,
          },
        ],
      },
    ]);
    // JSON is how it travels: +Inf must survive it.
    assert.deepEqual(JSON.parse(JSON.stringify(out)), out);
  });

  it('returns the same metric when declared twice and refuses invalid use with coded errors', () => {
    const m = createMetrics();
    assert.equal(m.counter('c', 'C'), m.counter('c', 'C'));
    const code = (fn: () => unknown) =>
      assert.throws(fn, (err: { code?: string }) => err.code === 'SHOAL_ERR_METRICS_INVALID');
    code(() => m.gauge('c', 'now a gauge'));
    code(() => m.counter('bad-name', 'x'));
    code(() => m.counter('c', 'C').inc(-1));
    code(() => m.counter('c', 'C').inc({ 'bad-label': 'x' }));
    code(() => m.gauge('g', 'G').set(Number.NaN));
    code(() => m.histogram('h', 'H', [1, 1]));
    code(() => m.histogram('h2', 'H').observe({ le: '1' }, 1));
  });

  it('caps label combinations so a metric cannot swamp the stats channel', async () => {
    const m = createMetrics();
    const c = m.counter('per_user', 'Do not do this');
    const warnings = await collectWarnings(() => {
      for (let i = 0; i < 600; i++) c.inc({ user: String(i) });
    });
    assert.equal(m.collect()[0]!.samples.length, 500);
    assert.equal(warnings.length, 1, 'warned once');
    assert.match(warnings[0]!.message, /per_user has 500 label combinations/);
  });

  it('registers its provider on the preload hook when running under Shoal', (t) => {
    let provider: (() => unknown[]) | null = null;
    const glue: PreloadHook = {
      onShutdown: () => {},
      setMetricsProvider: (p) => (provider = p),
      draining: false,
    };
    const g = globalThis as Record<symbol, unknown>;
    g[PRELOAD_HOOK] = glue;
    t.after(() => {
      delete g[PRELOAD_HOOK];
    });
    const m = createMetrics();
    assert.equal(provider, null, 'nothing registered before the first metric');
    m.counter('jobs_total', 'Jobs').inc();
    assert.ok(provider);
    assert.deepEqual((provider as () => unknown[])(), m.collect());
  });
});
