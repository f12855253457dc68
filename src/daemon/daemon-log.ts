// The daemon's own log (SHOAL_HOME/shoal.log): one line per event, every state transition with its reason.
import { appendFileSync } from 'node:fs';

let target: string | null = null;

export function openDaemonLog(path: string): void {
  target = path;
}

export function log(event: string, fields: Record<string, unknown> = {}): void {
  const line = `${new Date().toISOString()} ${event} ${JSON.stringify(fields)}\n`;
  if (target === null) {
    process.stderr.write(line);
    return;
  }
  try {
    // Synchronous and short: a few events per second at most, and each line must survive a crash.
    appendFileSync(target, line, { mode: 0o600 });
  } catch {
    // nowhere left to report; never crash the daemon over its own log
  }
}
