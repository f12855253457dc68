// The daemon's sampler: every pid on every tick up to PIDS_PER_TICK of them; beyond that, pids take
// turns (new ones first), so each is still sampled within ceil(n / PIDS_PER_TICK) ticks and a tick's
// cost stays bounded. The meter is a stand-in that records which pids each tick read.
import assert from 'node:assert/strict';
import { describe, it } from '../helpers/node-test.js';
import { MetricsSampler, PIDS_PER_TICK, type PidMeter } from '../../src/daemon/metrics-sampler.js';

function recordingMeter(): PidMeter & { reads: number[][]; next(): void } {
  const reads: number[][] = [[]];
  return {
    reads,
    next: () => reads.push([]),
    sample(pid) {
      reads[reads.length - 1]!.push(pid);
      return { cpu: 1, memory: pid, cpuSeconds: 0 };
    },
    forget() {},
  };
}

function tick(sampler: MetricsSampler, meter: ReturnType<typeof recordingMeter>): number[] {
  sampler.tick();
  const read = meter.reads[meter.reads.length - 1]!;
  meter.next();
  return read;
}

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

describe('metrics sampler', () => {
  it('reads every pid on every tick while there are at most PIDS_PER_TICK', () => {
    const meter = recordingMeter();
    const pids = range(1000, PIDS_PER_TICK);
    const sampler = new MetricsSampler(() => pids, 2000, meter);
    for (let i = 0; i < 3; i++) assert.deepEqual(tick(sampler, meter).sort(), [...pids].sort());
    assert.equal(sampler.get(1000)?.memory, 1000);
  });

  it('reads at most PIDS_PER_TICK a tick beyond that, and every pid within ceil(n / PIDS_PER_TICK) ticks', () => {
    const meter = recordingMeter();
    const n = PIDS_PER_TICK * 4 + 10;
    const pids = range(1, n);
    const sampler = new MetricsSampler(() => pids, 2000, meter);
    const rounds = Math.ceil(n / PIDS_PER_TICK);
    for (let pass = 0; pass < 3; pass++) {
      const seen = new Set<number>();
      for (let i = 0; i < rounds; i++) {
        const read = tick(sampler, meter);
        assert.ok(read.length <= PIDS_PER_TICK, `tick read ${read.length} pids`);
        assert.equal(new Set(read).size, read.length, 'no pid twice in one tick');
        for (const pid of read) seen.add(pid);
      }
      assert.equal(seen.size, n, `pass ${pass}: every pid read within ${rounds} ticks`);
    }
    for (const pid of pids) assert.ok(sampler.get(pid), `pid ${pid} has a sample`);
  });

  it('reads a new pid on the next tick, ahead of the turn', () => {
    const meter = recordingMeter();
    const pids = range(1, PIDS_PER_TICK * 3);
    const sampler = new MetricsSampler(() => pids, 2000, meter);
    for (let i = 0; i < 3; i++) tick(sampler, meter);
    pids.push(99_999);
    assert.ok(tick(sampler, meter).includes(99_999), 'the new pid is read at once');
  });

  it('forgets pids that are gone', () => {
    const meter = recordingMeter();
    let pids = range(1, 10);
    const sampler = new MetricsSampler(() => pids, 2000, meter);
    tick(sampler, meter);
    assert.ok(sampler.get(5));
    pids = range(1, 4);
    tick(sampler, meter);
    assert.equal(sampler.get(5), undefined);
  });
});
