// The CPU count `instances: 'max'` starts: cgroup v2 cpu.max and cgroup v1 CFS quota files, the cgroup
// found through /proc/self/cgroup and mountinfo (also inside a container, where the mount's root is the
// container's cgroup), every ancestor's limit, rounding up, and the affinity count. The cgroup trees are
// written to a temporary directory laid out like / (no process, no real cgroup: see the e2e test).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from '../helpers/node-test.js';
import { cgroupCpuQuotas, parseCfsQuota, parseCpuMax, usableCpuCount } from '../../src/usable-cpus.js';

function tree(t: { after: (fn: () => void) => void }, files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'shoal-cgroup-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('usable CPUs: the file formats', () => {
  it('reads cgroup v2 cpu.max', () => {
    assert.equal(parseCpuMax('max 100000\n'), null);
    assert.equal(parseCpuMax('150000 100000\n'), 1.5);
    assert.equal(parseCpuMax('200000 100000'), 2);
    assert.equal(parseCpuMax('50000'), 0.5, 'the period defaults to 100000');
    assert.equal(parseCpuMax('garbage'), null);
  });

  it('reads cgroup v1 cfs_quota_us and cfs_period_us', () => {
    assert.equal(parseCfsQuota('-1\n', '100000\n'), null);
    assert.equal(parseCfsQuota('250000\n', '100000\n'), 2.5);
    assert.equal(parseCfsQuota('50000', '100000'), 0.5);
    assert.equal(parseCfsQuota('100000', '0'), null);
  });

  it('rounds a quota up, takes the smallest limit, never goes below 1', () => {
    assert.equal(usableCpuCount(8, []), 8);
    assert.equal(usableCpuCount(8, [null]), 8);
    assert.equal(usableCpuCount(8, [1.5]), 2);
    assert.equal(usableCpuCount(8, [3, 2.2, null]), 3);
    assert.equal(usableCpuCount(2, [4]), 2, 'the affinity is a limit too');
    assert.equal(usableCpuCount(8, [0.1]), 1);
    assert.equal(usableCpuCount(0, []), 1);
  });
});

describe('usable CPUs: finding the cgroup', () => {
  it('cgroup v2: the own cgroup and its ancestors', (t) => {
    const root = tree(t, {
      '/proc/self/cgroup': '0::/kubepods/pod1/ctr\n',
      '/proc/self/mountinfo': '30 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n',
      '/sys/fs/cgroup/kubepods/pod1/ctr/cpu.max': 'max 100000\n',
      '/sys/fs/cgroup/kubepods/pod1/cpu.max': '300000 100000\n',
      '/sys/fs/cgroup/kubepods/cpu.max': 'max 100000\n',
    });
    assert.deepEqual(cgroupCpuQuotas(root), [null, 3, null]);
    assert.equal(usableCpuCount(16, cgroupCpuQuotas(root)), 3);
  });

  it('cgroup v2 inside a container: the mount root is the container cgroup itself', (t) => {
    const root = tree(t, {
      '/proc/self/cgroup': '0::/\n',
      '/proc/self/mountinfo': '30 23 0:26 /docker/abc /sys/fs/cgroup ro - cgroup2 cgroup2 rw\n',
      '/sys/fs/cgroup/cpu.max': '150000 100000\n',
    });
    assert.equal(usableCpuCount(16, cgroupCpuQuotas(root)), 2);
  });

  it('cgroup v1: the cpu controller, even mounted together with cpuacct', (t) => {
    const root = tree(t, {
      '/proc/self/cgroup': '5:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n0::/\n',
      '/proc/self/mountinfo': [
        '31 23 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw,mode=755',
        '32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct',
        '35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory',
      ].join('\n'),
      '/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us': '120000\n',
      '/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us': '100000\n',
      '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us': '-1\n',
      '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us': '100000\n',
    });
    assert.deepEqual(cgroupCpuQuotas(root), [1.2, null]);
    assert.equal(usableCpuCount(16, cgroupCpuQuotas(root)), 2);
  });

  it('no cgroup files (not Linux, or /proc hidden): no limit known', (t) => {
    const root = tree(t, { '/etc/hostname': 'x\n' });
    assert.deepEqual(cgroupCpuQuotas(root), []);
  });
});
