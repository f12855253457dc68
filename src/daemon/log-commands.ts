// flush and reloadLogs over a set of apps: each app's writers act on the files they hold open (the
// daemon for fork apps, the primary for cluster apps); files nobody holds are emptied at their path.
import { truncateSync } from 'node:fs';
import type { AppRunner } from './app-runner.js';
import { log } from './daemon-log.js';

/** Empties the apps' log files; returns every path emptied. */
export async function flushLogs(apps: AppRunner[]): Promise<string[]> {
  // The writers empty the files they hold open, even when something moved them away from their path.
  const emptied = new Set((await Promise.all(apps.map((a) => a.actOnLogs('flush')))).flat());
  const files = apps.flatMap((a) => a.logFiles()).map((f) => f.path);
  for (const f of files) {
    if (emptied.has(f)) continue;
    try {
      // Not held open (the app is stopped): empty the file at its path.
      truncateSync(f, 0);
    } catch {
      // not created yet
    }
  }
  return [...new Set([...emptied, ...files])];
}

/** Every writer opens its log files again (logrotate "create"); returns the paths reopened. */
export async function reopenLogs(apps: AppRunner[]): Promise<string[]> {
  const done = await Promise.all(
    apps.map((a) =>
      a.actOnLogs('reopen').catch((err: unknown) => {
        log('log.reopen_failed', { app: a.name, message: (err as Error).message });
        return [] as string[];
      }),
    ),
  );
  return done.flat();
}

/** Lines a cluster app's workers began to lose since the last snapshot: said in shoal.log too, once each. */
export function noteLogLosses(
  app: string,
  before: ReadonlyArray<{ id: number; log_dropped: { reason: string } | null }>,
  next: ReadonlyArray<{ id: number; log_dropped: { reason: string } | null }>,
): void {
  const had = new Map(before.map((w) => [w.id, w.log_dropped]));
  for (const w of next)
    if (w.log_dropped && !had.get(w.id))
      log('log.write_failed', { app, id: w.id, reason: w.log_dropped.reason, note: 'dropping lines' });
}
