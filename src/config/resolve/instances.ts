// Instance count and exec mode, with PM2's rules: 0 = "max", negative = CPUs minus that many,
// and an explicit `instances` with a Node interpreter switches to cluster mode unless exec_mode says otherwise.
import type { ExecMode } from '../../protocol/app-config.js';
import { usableCpus } from '../../usable-cpus.js';

/** `cpus` is asked only for a negative count: reading the cgroup files for each app of a 1,000-app file cost 50 ms. */
export function resolveInstances(
  value: number | 'max' | undefined,
  cpus: () => number = usableCpus,
): number | 'max' {
  if (value === undefined) return 1;
  if (value === 'max' || value === 0) return 'max';
  if (value < 0) return Math.max(1, cpus() + value);
  return value;
}

/** PM2's rule (lib/Common.js): instances given + node interpreter + no exec_mode = cluster. */
export function resolveExecMode(
  execMode: ExecMode | undefined,
  instancesGiven: boolean,
  interpreter: string,
): ExecMode {
  if (execMode !== undefined) return execMode;
  return instancesGiven && interpreter === 'node' ? 'cluster' : 'fork';
}
