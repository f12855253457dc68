// The daemon's own log (SHOAL_HOME/shoal.log): one line per event, every state transition with its reason.
// Rotated like the apps' logs, with the daemon's rotation defaults.
import { BUILT_IN_LOG_ROTATION, type LogRotation } from '../protocol/log-rotation.js';
import { EventLogFile } from '../supervision/event-log-file.js';

let target: EventLogFile | null = null;
let failing = false;

export function openDaemonLog(path: string, rotation: LogRotation = BUILT_IN_LOG_ROTATION): void {
  target?.stop();
  target = new EventLogFile(path, rotation);
}

/** After logrotate moved shoal.log away (reloadLogs): the next line goes to a new file at the path. */
export function reopenDaemonLog(): void {
  target?.reopen();
}

export function log(event: string, fields: Record<string, unknown> = {}): void {
  const line = `${new Date().toISOString()} ${event} ${JSON.stringify(fields)}\n`;
  if (target === null) {
    process.stderr.write(line);
    return;
  }
  try {
    // Synchronous and short: a few events per second at most, and each line must survive a crash.
    target.append(line);
    failing = false;
  } catch (err) {
    // Never crash the daemon over its own log; say it once on stderr (the init system's journal).
    if (!failing) process.stderr.write(`shoal: cannot write ${target.path}: ${(err as Error).message}\n`);
    failing = true;
  }
}
