// The primary's own log (SHOAL_HOME/run/<app>.primary.log): one line per event, rotated like the apps'
// logs. Until the file is opened (and for crash output), lines go to stderr, which points at the same file.
import type { LogRotation } from '../protocol/log-rotation.js';
import { EventLogFile } from '../supervision/event-log-file.js';

let target: EventLogFile | null = null;

export function openPrimaryLog(path: string, rotation: LogRotation): void {
  target = new EventLogFile(path, rotation);
}

export function log(event: string, fields: Record<string, unknown> = {}): void {
  const line = `${new Date().toISOString()} ${event} ${JSON.stringify(fields)}\n`;
  try {
    if (target) {
      target.append(line);
      return;
    }
  } catch {
    // fall back to stderr below
  }
  process.stderr.write(line);
}
