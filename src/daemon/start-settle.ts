// After start, restart, reload or scale: wait until every process it started is really online (ready by
// its signal or by listening, or alive past min_uptime) or has failed, within listen_timeout, so that a
// command never reports success for an app that is already crashing. The judgement is a pure function
// of one process's record, tested without processes.
import type { ProcessDetail } from '../protocol/process-info.js';

export interface StartFailure {
  id: number;
  name: string;
  instance: number;
  reason: string;
  /** The process's last stderr lines: usually the error itself. */
  stderr: string[];
}

export type Verdict =
  | { state: 'online' }
  | { state: 'failed'; reason: string }
  /** dueInMs: set when the process only has to live that much longer to count as online. */
  | { state: 'pending'; dueInMs?: number };

/** How one process stands, `since` the operation began, at `now`. */
export function judge(d: ProcessDetail, since: number, now: number): Verdict {
  // An exit the daemon itself asked for (a cron or watch restart meanwhile) is no failure of the app:
  // the run that replaced it is judged instead.
  const exitedSince = d.last_exit !== null && d.last_exit.at >= since && !d.last_exit.requested;
  if (d.status === 'errored') return { state: 'failed', reason: d.status_reason };
  // A job that ended the way the app's settings call clean (exit 0, or a code in stop_exit_codes) did its work.
  const clean =
    d.last_exit?.code === 0 ||
    (d.last_exit?.code != null && d.config.stop_exit_codes.includes(d.last_exit.code));
  if (exitedSince && d.status === 'stopped' && clean) return { state: 'online' };
  if (exitedSince) {
    const e = d.last_exit!;
    const after = e.uptime >= 0 ? ` after ${e.uptime} ms` : '';
    const next =
      d.status === 'launching' ? ' (restarting)' : d.status === 'stopped' ? ` (${d.status_reason})` : '';
    return { state: 'failed', reason: `${e.reason}${after}${next}` };
  }
  if (d.status === 'online') {
    // Proven ready, or has lived long enough that the restart policy counts it as stable.
    if (d.ready_by !== null || d.uptime >= d.config.min_uptime) return { state: 'online' };
    return { state: 'pending', dueInMs: d.config.min_uptime - d.uptime };
  }
  // Registered but not started (autostart off), or stopped by someone meanwhile: nothing to wait for.
  if (d.status === 'stopped' && d.pid === null && (d.last_exit === null || d.last_exit.requested)) {
    return { state: 'online' };
  }
  if (now - since > d.config.listen_timeout + d.config.min_uptime) {
    return {
      state: 'failed',
      reason: `not online within listen_timeout (${d.config.listen_timeout} ms): ${d.status_reason}`,
    };
  }
  return { state: 'pending' };
}

/**
 * How long to wait between two looks at `count` processes: 50 ms, longer for many (each look builds
 * every record, and 1,000 records every 50 ms were most of a big start's garbage), at most 250 ms.
 */
export function pollInterval(count: number): number {
  return Math.min(250, Math.max(50, Math.ceil(count / 4)));
}

/**
 * Waits (bounded by each app's listen_timeout and min_uptime) until every process `details()` returns is
 * online or failed; returns the failures.
 */
export async function settle(details: () => ProcessDetail[], since: number): Promise<StartFailure[]> {
  const failures = new Map<number, StartFailure>();
  for (;;) {
    const { pending, count, lastDueInMs } = look(details(), since, failures);
    if (pending === 0) return [...failures.values()].sort((a, b) => a.id - b.id);
    await new Promise((r) => setTimeout(r, nextLookIn(count, lastDueInMs)));
  }
}

/**
 * When every process still pending only has to outlive min_uptime, the next look is timed for the last
 * of them (a start of 1,000 would otherwise end up to 250 ms after it had settled); else the poll interval.
 */
export function nextLookIn(count: number, lastDueInMs: number | null): number {
  const poll = pollInterval(count);
  return lastDueInMs === null ? poll : Math.min(poll, Math.max(1, Math.ceil(lastDueInMs) + 1));
}

/** One look at every process: records new failures, counts the pending. Holds no record past its return. */
function look(all: ProcessDetail[], since: number, failures: Map<number, StartFailure>) {
  const now = Date.now();
  let pending = 0;
  // The latest time still to live among pending processes; null once one is pending for another reason.
  let lastDueInMs: number | null = 0;
  for (const d of all) {
    if (failures.has(d.id)) continue;
    const v = judge(d, since, now);
    if (v.state === 'failed') {
      failures.set(d.id, {
        id: d.id,
        name: d.name,
        instance: d.instance,
        reason: v.reason,
        stderr: d.recent_stderr.slice(-8),
      });
    } else if (v.state === 'pending') {
      pending += 1;
      lastDueInMs = v.dueInMs === undefined || lastDueInMs === null ? null : Math.max(lastDueInMs, v.dueInMs);
    }
  }
  return { pending, count: all.length, lastDueInMs };
}

/** A hint for failures that have a well-known cause, or null. */
export function failureHint(failures: StartFailure[], details: ProcessDetail[]): string | null {
  const inUse = failures.filter((f) => f.stderr.some((l) => l.includes('EADDRINUSE')));
  if (inUse.length === 0) return null;
  const byName = new Map(details.map((d) => [d.name, d]));
  const names = [...new Set(inUse.map((f) => f.name))];
  return names
    .map((name) => {
      const d = byName.get(name);
      const text = inUse.find((f) => f.name === name)!.stderr.join('\n');
      // "listen EADDRINUSE: address already in use :::3000", or the error object's "port: 3000" line.
      const port = (/EADDRINUSE\b[^\n]*:(\d{2,5})\s*$/m.exec(text) ?? /\bport: (\d{2,5})\b/.exec(text))?.[1];
      const where = port ? `port ${port}` : 'its port';
      const many = details.filter((p) => p.name === name).length > 1;
      return d?.mode === 'fork' && many
        ? `${name}: in fork mode every instance binds ${where} itself, so only one can hold it; run it in cluster mode (exec_mode "cluster", or -i N) so that its workers share the port.`
        : `${name}: ${where} is already in use by another program.`;
    })
    .join('\n');
}
