// What `shoal update` says about each app, from the process list before and after the hand-over: only
// what the lists show (same pids, same ids, same restart counts, stopped or running), so the summary
// cannot claim a restart that did not happen or hide an app that did not come back.
import type { ProcessInfo } from '../../protocol/process-info.js';

const ids = (ps: ProcessInfo[]) => ps.map((p) => p.id).join(',');
const atRest = (p: ProcessInfo) => p.status === 'stopped' || p.status === 'stopping';

export function updateSummary(name: string, kept: boolean, was: ProcessInfo[], now: ProcessInfo[]): string {
  if (now.length === 0) return `${name}: MISSING after the update (see shoal.log in the home)`;
  const sameIds = ids(was) === ids(now);
  const sameCounts = was.every((w) => now.find((p) => p.id === w.id)?.restarts === w.restarts);
  const facts = [
    sameIds ? `ids ${ids(now)} kept` : `ids ${ids(was)} -> ${ids(now)}`,
    sameCounts ? 'restart counts kept' : 'restart counts changed',
  ].join(', ');
  if (kept) {
    const samePids = was.length === now.length && was.every((w) => now.some((p) => p.pid === w.pid));
    return `${name}: ${samePids ? 'kept serving, no worker restarted' : 'taken over; some workers changed'} (${now.length} worker(s); ${facts})`;
  }
  if (was.every(atRest) && now.every(atRest))
    return `${name}: fork mode, stopped, and left stopped (${facts})`;
  const running = now.filter((p) => !atRest(p)).length;
  return `${name}: fork mode, stopped by the old daemon and started again by the new one (${running} of ${now.length} process(es) running; ${facts})`;
}
