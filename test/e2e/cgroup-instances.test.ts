// `instances: 'max'` counts the CPUs the process may use, not the host's: a daemon pinned to one CPU,
// and a real cgroup made by the test with a CFS quota of half a CPU with a daemon started inside it;
// in both `-i max` starts one process where the host has more cores.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, it } from '../helpers/node-test.js';
import { BIN, createHome, fixture, waitFor } from '../helpers/shoal.js';

/** A writable cgroup v1 cpu hierarchy (where cfs quotas live), or why there is none. */
function cpuHierarchy(): { dir: string } | { none: string } {
  let mountinfo: string;
  try {
    mountinfo = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return { none: 'no /proc/self/mountinfo (not Linux)' };
  }
  for (const line of mountinfo.split('\n')) {
    const [left, right] = line.split(' - ');
    const [type, , options] = (right ?? '').split(' ');
    if (type !== 'cgroup' || !(options ?? '').split(',').includes('cpu')) continue;
    const point = (left ?? '').split(' ')[4] ?? '';
    const dir = join(point, `shoal-test-${process.pid}`);
    try {
      mkdirSync(dir);
    } catch (err) {
      return { none: `cannot create a cgroup under ${point}: ${(err as Error).message}` };
    }
    if (!existsSync(join(dir, 'cpu.cfs_quota_us'))) {
      rmdirSync(dir);
      return { none: `${point} has no cpu.cfs_quota_us` };
    }
    return { dir };
  }
  return { none: 'no cgroup v1 cpu controller is mounted (cgroup v2 only, or none)' };
}

const hierarchy: { dir: string } | { none: string } =
  availableParallelism() < 2
    ? { none: 'a single CPU: a half-CPU quota would start as many processes as the host count' }
    : cpuHierarchy();
const skip = 'none' in hierarchy ? hierarchy.none : false;

const noTaskset =
  availableParallelism() < 2
    ? 'a single CPU: pinning to one CPU changes nothing'
    : spawnSync('taskset', ['-c', '0', 'true']).status === 0
      ? false
      : 'taskset (util-linux) cannot pin a process here';

describe("instances: 'max' and the CPU affinity", { skip: noTaskset }, () => {
  it('starts one process per CPU the daemon is pinned to, not per host core', async (t) => {
    const home = createHome(t);
    // The daemon inherits the affinity of the CLI that starts it.
    const started = spawnSync('taskset', ['-c', '0', process.execPath, BIN, 'ping'], {
      env: home.env(),
      encoding: 'utf8',
    });
    assert.equal(started.status, 0, started.stderr);
    await home.ok(['start', fixture('forever.js'), '--name', 'pinned', '-i', 'max', '--exec-mode', 'fork']);
    const list = await waitFor('the app online', async () => {
      const l = await home.list();
      return l.length > 0 && l.every((p) => p.status === 'online') ? l : null;
    });
    assert.equal(list.length, 1, JSON.stringify(list));
  });
});

describe("instances: 'max' in a cgroup", { skip }, () => {
  it('starts as many processes as the CFS quota allows (half a CPU: one), not one per host core', async (t) => {
    const dir = (hierarchy as { dir: string }).dir;
    const home = createHome(t);
    // Registered first, so it runs after the home's cleanup has killed the daemon and its apps.
    t.after(async () => {
      await waitFor(
        'the test cgroup emptied',
        () => readFileSync(join(dir, 'cgroup.procs'), 'utf8').trim() === '',
        { timeoutMs: 15_000 },
      );
      rmdirSync(dir);
    });
    writeFileSync(join(dir, 'cpu.cfs_period_us'), '100000');
    writeFileSync(join(dir, 'cpu.cfs_quota_us'), '50000');
    // The daemon is started by the CLI and inherits its cgroup: put the CLI in it before it runs.
    const started = spawnSync(
      'sh',
      ['-c', 'echo $$ > "$0/cgroup.procs" && exec "$@"', dir, process.execPath, BIN, 'ping'],
      { env: home.env(), encoding: 'utf8' },
    );
    assert.equal(started.status, 0, started.stderr);
    const daemon = home.daemonPid();
    assert.ok(daemon !== null);
    assert.ok(
      readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').includes(String(daemon)),
      'the daemon runs in the test cgroup',
    );

    await home.ok(['start', fixture('forever.js'), '--name', 'cl', '-i', 'max', '--listen-timeout', '500']);
    await home.ok(['start', fixture('forever.js'), '--name', 'fk', '-i', 'max', '--exec-mode', 'fork']);
    const list = await waitFor('both apps online', async () => {
      const l = await home.list();
      return l.length > 0 && l.every((p) => p.status === 'online') ? l : null;
    });
    assert.equal(list.filter((p) => p.name === 'cl').length, 1, `cluster app: ${JSON.stringify(list)}`);
    assert.equal(list.filter((p) => p.name === 'fk').length, 1, 'fork app');

    // With the quota lifted, the same daemon counts the host's cores again.
    writeFileSync(join(dir, 'cpu.cfs_quota_us'), '-1');
    await home.ok(['scale', 'cl', 'max']);
    const after = await home.list();
    assert.equal(after.filter((p) => p.name === 'cl').length, availableParallelism());
  });
});
