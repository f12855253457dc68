// CPU and memory as `ls` and `describe` show them, and max_memory_restart, through the real binary with
// real processes: a busy loop, a sleeper, and a process that allocates until it is over its limit.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from '../helpers/node-test.js';
import type { ProcessInfo } from '../../src/protocol/process-info.js';
import { createHome, fixture, waitFor } from '../helpers/shoal.js';

const MB = 1024 * 1024;
/** A short sampling interval so figures move within a test; the dashboard stays off (other tests own ports). */
const DAEMON_ENV = { SHOAL_SAMPLE_INTERVAL_MS: '500', SHOAL_WEB_PORT: '0' };

const byName = (list: ProcessInfo[], name: string) => list.find((p) => p.name === name);

describe('monitoring', () => {
  it('shows a busy loop near a full core and a sleeping process near zero', async (t) => {
    const home = createHome(t);
    await home.ok(['start', fixture('cpu-burner.js'), '--name', 'busy'], { env: DAEMON_ENV });
    await home.ok(['start', fixture('forever.js'), '--name', 'idle']);
    // Polled, each on its own: on a loaded 2-core machine a busy loop does not get its full core in
    // every interval, and the sleeper's first sample can include Node's own start-up work. /proc counts
    // CPU in 10 ms ticks, so one tick in a 500 ms interval already reads as 2%.
    const seen: string[] = [];
    const cpuOf = async (name: string) => {
      const cpu = byName(await home.list(), name)?.cpu ?? 0;
      seen.push(`${name} ${cpu}%`);
      return cpu;
    };
    const explained = <T>(p: Promise<T>) =>
      p.catch((err: Error) => {
        throw new Error(`${err.message}; figures seen: ${seen.slice(-12).join(', ')}`);
      });
    const busy = await explained(
      waitFor('busy > 50% in ls --json', async () => ((await cpuOf('busy')) > 50 ? seen.at(-1) : null), {
        timeoutMs: 60_000,
        intervalMs: 300,
      }),
    );
    assert.ok(
      Number(/ ([\d.]+)%/.exec(busy)![1]) <= 110,
      `one thread cannot use much more than one core (${busy})`,
    );
    await explained(
      waitFor('idle < 10% in ls --json', async () => (await cpuOf('idle')) < 10, {
        timeoutMs: 30_000,
        intervalMs: 300,
      }),
    );
    const table = await home.ok(['ls']);
    assert.match(table.stdout, /busy\s+fork\s+\d+\s+online\s+0\s+\S+\s+\d+\.\d%/);
  });

  it('shows the memory of an allocating process growing', async (t) => {
    const home = createHome(t);
    await home.ok(['start', fixture('memory-grower.js'), '--name', 'grower'], {
      env: { ...DAEMON_ENV, GROW_STEP_MB: '5', GROW_EVERY_MS: '250', GROW_CAP_MB: '300' },
    });
    const first = await waitFor(
      'a first memory sample',
      async () => byName(await home.list(), 'grower')?.memory,
    );
    const grown = await waitFor(
      'memory 40 MB above the first sample',
      async () => {
        const m = byName(await home.list(), 'grower')?.memory ?? 0;
        return m > first + 40 * MB ? m : null;
      },
      { timeoutMs: 30_000, intervalMs: 300 },
    );
    const [d] = await home.describe('grower');
    assert.ok(d!.memory >= first, `describe shows memory too (${d!.memory} >= ${first})`);
    assert.ok(grown > first);
  });

  it('restarts a process over max_memory_restart and says why in describe', async (t) => {
    const home = createHome(t);
    await home.ok(['start', fixture('memory-grower.js'), '--name', 'leaky', '--max-memory-restart', '120M'], {
      env: { ...DAEMON_ENV, GROW_STEP_MB: '10', GROW_EVERY_MS: '200', GROW_CAP_MB: '400' },
    });
    const d = await waitFor(
      'a memory-limit restart in describe --json',
      async () => {
        const [p] = await home.describe('leaky');
        return p && p.restarts >= 1 && p.last_restart_reason !== null ? p : null;
      },
      { timeoutMs: 45_000, intervalMs: 300 },
    );
    assert.match(d.last_restart_reason!, /^memory limit: \d+ MB over max_memory_restart 120 MB$/);
    assert.equal(d.config.max_memory_restart, 120 * MB);
    // The process is replaced, not left down: it comes back online with a new pid.
    await waitFor('leaky online again', async () => byName(await home.list(), 'leaky')?.status === 'online');
    const text = await home.ok(['describe', 'leaky']);
    assert.match(text.stdout, /last restart\s+memory limit: \d+ MB over max_memory_restart 120 MB/);
    assert.match(text.stdout, /memory limit\s+120mb/);
  });

  it('replaces only the cluster worker over max_memory_restart, with the reason', async (t) => {
    const home = createHome(t);
    // Worker 0 grows, worker 1 stays small: the limit must hit one worker, not the app.
    const cfg = join(home.dir, 'leaky-cluster.json');
    writeFileSync(
      cfg,
      JSON.stringify({
        apps: [
          {
            name: 'leaky-cluster',
            script: fixture('memory-grower.js'),
            exec_mode: 'cluster',
            instances: 2,
            max_memory_restart: '120M',
            // the fixture never listens: a replacement counts it ready once it survived listen_timeout
            listen_timeout: 1000,
            env: { GROW_STEP_MB: '10', GROW_EVERY_MS: '200', GROW_CAP_MB: '400', GROW_ONLY_INSTANCE: '0' },
          },
        ],
      }),
    );
    await home.ok(['start', cfg], { env: DAEMON_ENV });
    const d = await waitFor(
      'a worker replaced for memory',
      async () =>
        (await home.describe('leaky-cluster')).find((p) => /memory limit/.test(p.last_restart_reason ?? '')),
      { timeoutMs: 30_000, intervalMs: 300 },
    );
    assert.equal(d.mode, 'cluster');
    assert.match(d.last_restart_reason!, /^memory limit: \d+ MB over max_memory_restart 120 MB$/);
    assert.ok(d.restarts >= 1);
    assert.equal(d.instance, 0, 'the growing worker');
    const other = (await home.describe('leaky-cluster')).find((p) => p.instance === 1)!;
    assert.equal(other.restarts, 0, 'the small worker was left alone');
    assert.equal(other.status, 'online');
  });

  it('leaves a process under its limit alone', async (t) => {
    const home = createHome(t);
    await home.ok(['start', fixture('forever.js'), '--name', 'small', '--max-memory-restart', '500M'], {
      env: DAEMON_ENV,
    });
    // Several sample intervals with a real memory figure, and still no restart.
    const start = Date.now();
    await waitFor('3 s of samples', async () => {
      const p = byName(await home.list(), 'small');
      assert.equal(p?.restarts, 0, 'no restart under the limit');
      return Date.now() - start > 3_000 && (p?.memory ?? 0) > 0;
    });
  });

  it('describe shows the app total over its processes and the restart reason', async (t) => {
    const home = createHome(t);
    await home.ok(['start', fixture('forever.js'), '--name', 'pair', '-i', '2', '--exec-mode', 'fork'], {
      env: DAEMON_ENV,
    });
    await waitFor('both sampled', async () => {
      const list = await home.list();
      return list.length === 2 && list.every((p) => p.memory > 0);
    });
    await home.ok(['restart', 'pair']);
    const text = (await home.ok(['describe', 'pair'])).stdout;
    assert.match(text, /^app pair: 2 process\(es\), 2 online, cpu \d+\.\d% total, memory \S+ total$/m);
    assert.match(text, /last restart\s+restarted by user/);
    assert.equal(text.match(/^id\s+\d+$/gm)?.length, 2, 'one block per process');
  });
});
