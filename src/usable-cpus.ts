// How many CPUs this process may really use: what `instances: 'max'` and `-N` count. The host's core
// count is wrong in a container: a pod limited to 2 CPUs on a 64-core node that starts 64 workers gets
// throttled, runs out of memory and opens 64 database pools. So the count is the smallest of
// - the CPU affinity (os.availableParallelism(): libuv asks sched_getaffinity, which cpusets and
//   `taskset` narrow), and
// - the CFS quota of this process's cgroup and of each of its ancestors (cgroup v2 `cpu.max`, cgroup v1
//   `cpu.cfs_quota_us` / `cpu.cfs_period_us`), rounded up,
// and never less than 1. Every file read is optional: where one is missing, that limit is not known.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, posix } from 'node:path';

/** CPUs allowed by a cgroup v2 `cpu.max` ("150000 100000"); null for "max" (no limit) or nonsense. */
export function parseCpuMax(text: string): number | null {
  const [quota, period] = text.trim().split(/\s+/);
  if (quota === undefined || quota === 'max') return null;
  return ratio(Number(quota), Number(period ?? 100_000));
}

/** CPUs allowed by cgroup v1 `cpu.cfs_quota_us` and `cpu.cfs_period_us`; null for -1 (no limit). */
export function parseCfsQuota(quotaText: string, periodText: string): number | null {
  return ratio(Number(quotaText.trim()), Number(periodText.trim()));
}

function ratio(quota: number, period: number): number | null {
  if (!Number.isFinite(quota) || !Number.isFinite(period) || quota <= 0 || period <= 0) return null;
  return quota / period;
}

/** The usable CPU count from the affinity count and the quotas found (in CPUs, fractions allowed). */
export function usableCpuCount(affinity: number, quotas: readonly (number | null)[]): number {
  let count = Math.max(1, affinity);
  for (const q of quotas) if (q !== null) count = Math.min(count, Math.ceil(q));
  return Math.max(1, count);
}

interface Mount {
  root: string;
  point: string;
  type: string;
  superOptions: string[];
}

/** The cgroup mounts of /proc/self/mountinfo ("id parent dev root point opts ... - type source super"). */
export function cgroupMounts(mountinfo: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of mountinfo.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const fields = left.split(' ');
    const [type, , options] = right.split(' ');
    if (type !== 'cgroup' && type !== 'cgroup2') continue;
    mounts.push({
      root: fields[3] ?? '/',
      point: fields[4] ?? '',
      type,
      superOptions: (options ?? '').split(','),
    });
  }
  return mounts;
}

/** The directories from the process's own cgroup up to the mount point: every level's limit applies. */
function levels(mount: Mount, cgroupPath: string, root: string): string[] {
  // Inside a container the mount's root is the container's own cgroup, which /proc/self/cgroup names in full.
  const relative =
    mount.root !== '/' && cgroupPath.startsWith(mount.root)
      ? cgroupPath.slice(mount.root.length)
      : cgroupPath;
  const top = join(root, mount.point);
  const dirs: string[] = [];
  for (let dir = join(top, posix.normalize(`/${relative}`)); dir.startsWith(top); dir = dirname(dir)) {
    dirs.push(dir);
    if (dir === top) break;
  }
  return dirs;
}

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** The CPU quotas that apply to this process, from every cgroup level; `root` is for tests ('' = real). */
export function cgroupCpuQuotas(root = ''): (number | null)[] {
  const cgroups = read(join(root, '/proc/self/cgroup'));
  const mountinfo = read(join(root, '/proc/self/mountinfo'));
  if (cgroups === null || mountinfo === null) return [];
  const mounts = cgroupMounts(mountinfo);
  const quotas: (number | null)[] = [];
  for (const line of cgroups.split('\n')) {
    // "hierarchy-id:controllers:path"; v2 is "0::path"
    const match = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (!match) continue;
    const [, , controllers = '', path = '/'] = match;
    if (controllers === '') {
      const mount = mounts.find((m) => m.type === 'cgroup2');
      if (!mount) continue;
      for (const dir of levels(mount, path, root)) {
        const text = read(join(dir, 'cpu.max'));
        if (text !== null) quotas.push(parseCpuMax(text));
      }
    } else if (controllers.split(',').includes('cpu')) {
      const mount = mounts.find((m) => m.type === 'cgroup' && m.superOptions.includes('cpu'));
      if (!mount) continue;
      for (const dir of levels(mount, path, root)) {
        const quota = read(join(dir, 'cpu.cfs_quota_us'));
        const period = read(join(dir, 'cpu.cfs_period_us'));
        if (quota !== null && period !== null) quotas.push(parseCfsQuota(quota, period));
      }
    }
  }
  return quotas;
}

/** The number of CPUs this process may use: what `instances: 'max'` starts. */
export function usableCpus(): number {
  return usableCpuCount(availableParallelism(), cgroupCpuQuotas());
}
