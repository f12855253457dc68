// Finding and signalling a process's whole tree, so that stopping an app leaves no orphans behind.
// Linux reads /proc; elsewhere one `ps` snapshot (spawned without a shell).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * One snapshot of the process table serves every lookup of the same event-loop turn: stopping 1,000
 * processes at once would otherwise read all of /proc once per process (O(n^2)). A snapshot from
 * earlier in the turn is as good as one taken when the turn began.
 */
let snapshot: Map<number, number[]> | null = null;

function parentMap(): Map<number, number[]> {
  if (snapshot) return snapshot;
  snapshot = readParentMap();
  setImmediate(() => {
    snapshot = null;
  }).unref();
  return snapshot;
}

function readParentMap(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  const add = (pid: number, ppid: number) => {
    const list = children.get(ppid);
    if (list) list.push(pid);
    else children.set(ppid, [pid]);
  };
  if (process.platform === 'linux') {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        // The command name may contain spaces and parentheses: fields start after the last ')'.
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        add(Number(entry), Number(fields[1]));
      } catch {
        // the process exited while we were reading
      }
    }
    return children;
  }
  const out = execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' });
  for (const line of out.split('\n')) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    if (pid && ppid !== undefined && !Number.isNaN(ppid)) add(pid, ppid);
  }
  return children;
}

/** The pids of every descendant of root (not root itself), parents before children. */
export function descendants(root: number): number[] {
  const children = parentMap();
  const result: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    result.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return result;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Resolves true once pid is gone, false if it is still alive after timeoutMs. */
export async function waitForExit(pid: number, timeoutMs: number, pollMs = 25): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  return true;
}

/** Sends signal to pid and each of extra, ignoring the ones already gone. */
export function signalAll(pids: Iterable<number>, signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // already exited
    }
  }
}

/** Signals the process group led by pid (apps are spawned as group leaders), falling back to pid alone. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    signalAll([pid], signal);
  }
}

/** The kernel's start time of a process (clock ticks since boot), to tell a pid from a reused one. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}
