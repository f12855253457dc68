// When `shoal run` ends by itself, and with which exit code. A pure function of the process list, so
// the rule is tested without processes. The rule (docs/containers.md):
// - a process that ended `errored` (its restart policy gave up) ends the run: the container is broken
//   and the orchestrator should replace it. The code is the process's last exit code, or 128+n when a
//   signal killed it, and never 0 (an errored process that exited 0 gives 1);
// - once every process is at rest (stopped) after a run of its own, and none errored, the run ends with
//   0 (a job that finished, or `shoal stop all` inside the container). A process that is stopped without
//   ever having run is being set up (a cluster primary that is starting, or starting again after it
//   died, shows its workers stopped until it starts them): that is no end;
// - otherwise it goes on.
import { constants } from 'node:os';
import type { ProcessDetail } from '../../protocol/process-info.js';
import { isLive } from '../../supervision/process-state.js';

export type RunVerdict = { end: false } | { end: true; code: number; why: string };

type Seen = Pick<ProcessDetail, 'id' | 'name' | 'status' | 'last_exit' | 'status_reason'>;

/** The exit code `shoal run` gives for an errored process. */
export function erroredExitCode(exit: ProcessDetail['last_exit']): number {
  if (exit === null) return 1;
  if (exit.code !== null) return exit.code === 0 ? 1 : exit.code;
  const n = exit.signal ? constants.signals[exit.signal as NodeJS.Signals] : undefined;
  return n === undefined ? 1 : 128 + n;
}

export function runVerdict(processes: readonly Seen[]): RunVerdict {
  const errored = processes.find((p) => p.status === 'errored');
  if (errored) {
    return {
      end: true,
      code: erroredExitCode(errored.last_exit),
      why: `${errored.name} (id ${errored.id}) errored: ${errored.status_reason}`,
    };
  }
  if (processes.length === 0) return { end: false };
  const atRest = processes.every((p) => !isLive(p.status) && p.status !== 'stopping' && p.last_exit !== null);
  return atRest ? { end: true, code: 0, why: 'every app has stopped' } : { end: false };
}
