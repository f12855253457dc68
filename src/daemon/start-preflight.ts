// Everything a start needs from the file system, checked for every app of the request before any app
// starts: a file whose second app cannot open its log must not leave the first running and a ghost of
// the second registered. Each check runs off the event loop and within a time limit (a path under /proc
// must not hang the daemon). A refused start leaves nothing behind: log files it created are removed.
import { lstat, rm } from 'node:fs/promises';
import { ShoalError } from '../errors.js';
import type { AppConfig } from '../protocol/app-config.js';
import { checkLogFile } from '../supervision/log-open.js';
import { logPath } from '../supervision/log-paths.js';

const CHECK_TIMEOUT_MS = 5_000;

const exists = (path: string) =>
  lstat(path).then(
    () => true,
    () => false,
  );

interface Check {
  app: string;
  key: string;
  path: string;
}

function logChecks(apps: AppConfig[], home: string, instancesOf: (app: AppConfig) => number): Check[] {
  const seen = new Set<string>();
  const checks: Check[] = [];
  for (const app of apps) {
    const instances = app.merge_logs ? 1 : instancesOf(app);
    for (let i = 0; i < instances; i++) {
      for (const stream of ['out', 'err'] as const) {
        const path = logPath(app, home, stream, i);
        if (path === null || seen.has(path)) continue;
        seen.add(path);
        checks.push({ app: app.name, key: stream === 'out' ? 'out_file' : 'error_file', path });
      }
    }
  }
  return checks;
}

/** Throws SHOAL_ERR_LOG_FILE naming every app, key and path that cannot be used; changes nothing then. */
export async function preflightStart(
  apps: AppConfig[],
  home: string,
  instancesOf: (app: AppConfig) => number,
): Promise<void> {
  const checks = logChecks(apps, home, instancesOf);
  const created: string[] = [];
  const outcomes = await Promise.allSettled(
    checks.map(async (c) => {
      const existed = await exists(c.path);
      await checkLogFile(c.path, { app: c.app, key: c.key, timeoutMs: CHECK_TIMEOUT_MS });
      if (!existed) created.push(c.path);
    }),
  );
  const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
  if (failures.length === 0) return;
  await Promise.all(created.map((p) => rm(p, { force: true })));
  const first = failures[0];
  if (failures.length === 1 || !(first instanceof ShoalError)) throw first;
  throw new ShoalError(first.code, failures.map((f) => (f as Error).message).join('\n'), first.details);
}
