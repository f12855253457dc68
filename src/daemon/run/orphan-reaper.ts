// PID 1's duty that Node does not do: reap orphans. In a container the kernel hands every orphaned
// process (an app's forgotten grandchild, a daemonized helper) to PID 1 when its parent dies, and only
// PID 1's waitpid() clears it once it exits; otherwise zombies pile up until the pid table is full.
// libuv waits only for the pids it spawned itself (waitpid(pid), never -1), so `shoal run` looks for
// zombie children it did not spawn and reaps them by pid with libc's waitpid, reached through koffi.
// Reaping only zombies that are not Node's own children leaves every exit status libuv waits for to it:
// a stolen one would never give its 'exit' event (a cluster primary's death would go unnoticed).
import { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const WNOHANG = 1;
/** A safety net for SIGCHLDs merged by the kernel while a sweep ran. */
const SWEEP_MS = 2_000;

export interface OrphanReaper {
  /** Pids reaped so far. */
  readonly reaped: number;
  stop(): void;
}

/** The pid and state of each child of `parent` (from /proc/<pid>/stat: "pid (comm) S ppid ..."). */
export function childrenOf(parent: number, procRoot = '/proc'): { pid: number; state: string }[] {
  const found: { pid: number; state: string }[] = [];
  for (const name of readdirSync(procRoot)) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`${procRoot}/${name}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const fields = parseStat(stat);
    if (fields && fields.ppid === parent) found.push({ pid: Number(name), state: fields.state });
  }
  return found;
}

/** State and parent pid from a stat line; the command name may hold spaces and parentheses. */
export function parseStat(stat: string): { state: string; ppid: number } | null {
  const close = stat.lastIndexOf(')');
  if (close === -1) return null;
  const rest = stat.slice(close + 2).split(' ');
  const ppid = Number(rest[1]);
  if (rest[0] === undefined || !Number.isInteger(ppid)) return null;
  return { state: rest[0], ppid };
}

/** Pids Node spawned whose 'exit' has not been emitted yet: libuv will wait for them itself. */
const spawned = new Set<number>();
let tracking = false;

/**
 * Records every child this process spawns from now on, until libuv has collected its exit. Every
 * spawn (spawn, fork, exec, cluster) goes through ChildProcess.prototype.spawn; unref'd children (cluster
 * primaries) are recorded too, which Node's own handle list leaves out. Call it before anything spawns.
 */
export function trackSpawnedChildren(): void {
  if (tracking) return;
  tracking = true;
  const proto = ChildProcess.prototype as unknown as { spawn: (...args: unknown[]) => unknown };
  const original = proto.spawn;
  proto.spawn = function (this: ChildProcess, ...args: unknown[]) {
    const result = original.apply(this, args);
    const pid = this.pid;
    if (pid !== undefined) {
      spawned.add(pid);
      this.once('exit', () => spawned.delete(pid));
    }
    return result;
  };
}

/**
 * Starts reaping orphans; resolves to `{ unavailable: reason }` where it cannot (koffi has no binary for
 * this platform, or libc has no waitpid): the run goes on, only zombies are not cleared.
 */
export async function startOrphanReaper(): Promise<OrphanReaper | { unavailable: string }> {
  let waitpid: (pid: number, status: null, options: number) => number;
  try {
    const koffi = (await import('koffi')).default;
    waitpid = koffi.load(null).func('int waitpid(int pid, void *status, int options)') as typeof waitpid;
  } catch (err) {
    return { unavailable: (err as Error).message };
  }
  let reaped = 0;
  trackSpawnedChildren();
  const sweep = () => {
    for (const child of childrenOf(process.pid)) {
      if (child.state !== 'Z' || spawned.has(child.pid)) continue;
      if (waitpid(child.pid, null, WNOHANG) === child.pid) reaped += 1;
    }
  };
  const onChild = () => setImmediate(sweep);
  process.on('SIGCHLD', onChild);
  const timer = setInterval(sweep, SWEEP_MS);
  timer.unref();
  sweep();
  return {
    get reaped() {
      return reaped;
    },
    stop() {
      process.off('SIGCHLD', onChild);
      clearInterval(timer);
    },
  };
}
