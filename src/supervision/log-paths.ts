// Where an app's output goes: the configured files, or SHOAL_HOME/logs/<name>-out.log and -error.log.
// With merge_logs off, each instance gets its own pair (<name>-out-<instance>.log), as in PM2.
import type { AppConfig } from '../protocol/app-config.js';
import type { LogFile as LogFileInfo } from '../protocol/control-channel.js';
import { appFiles } from './app-files.js';

export function isDisabled(path: string | null): boolean {
  return path === '/dev/null' || path === 'NULL';
}

export function logPath(
  app: AppConfig,
  home: string,
  stream: 'out' | 'err',
  instance: number,
): string | null {
  if (app.disable_logs) return null;
  const configured = stream === 'out' ? app.out_file : app.error_file;
  if (configured !== null && isDisabled(configured)) return null;
  const suffix = app.merge_logs ? '' : `-${instance}`;
  if (configured !== null) {
    if (app.merge_logs) return configured;
    return configured.replace(/(\.log)?$/, `${suffix}$1`);
  }
  return appFiles(home, app.name).defaultLog(stream, suffix);
}

/** The distinct log files of an app's processes (one pair when merged), for `shoal logs` and flush. */
export function appLogFiles(
  app: AppConfig,
  home: string,
  processes: ReadonlyArray<{ id: number; instance: number }>,
): LogFileInfo[] {
  const seen = new Set<string>();
  const files: LogFileInfo[] = [];
  for (const p of processes) {
    for (const stream of ['out', 'err'] as const) {
      const path = logPath(app, home, stream, p.instance);
      if (path === null || seen.has(path)) continue;
      seen.add(path);
      const single = !app.merge_logs || processes.length === 1;
      files.push({
        app: app.name,
        id: app.merge_logs ? null : p.id,
        instance: single ? p.instance : null,
        stream,
        path,
        log_type: app.log_type,
      });
    }
  }
  return files;
}
