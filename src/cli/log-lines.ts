// How `shoal logs` prints a line: with the writer's prefix (`<instance>|<app> | `, as PM2 prints it),
// optionally a time, or as a JSON object for any app (log_type json files hold them already).
import type { LogFile } from '../protocol/control-channel.js';
import { formatDate } from '../supervision/date-format.js';
import { dim, red } from './output.js';

export interface PrintOptions {
  raw: boolean;
  json: boolean;
  /** dayjs format of the time added in front, or null for none. */
  timestamp: string | null;
}

interface Parsed {
  timestamp: string | null;
  app: string;
  instance: number | null;
  id: number | null;
  stream: 'out' | 'err';
  message: string;
}

/** A line of the file with what is known of its writer: from the line itself in JSON files. */
function parse(file: LogFile, line: string, instance: number | null): Parsed {
  const known: Parsed = {
    timestamp: null,
    app: file.app,
    instance,
    id: file.id,
    stream: file.stream,
    message: line,
  };
  if (file.log_type !== 'json' || !line.startsWith('{')) return known;
  try {
    const o = JSON.parse(line) as Record<string, unknown>;
    return {
      timestamp: typeof o.timestamp === 'string' ? o.timestamp : null,
      app: typeof o.app_name === 'string' ? o.app_name : file.app,
      instance: typeof o.instance === 'number' ? o.instance : instance,
      id: typeof o.process_id === 'number' ? o.process_id : file.id,
      stream: o.type === 'err' ? 'err' : o.type === 'out' ? 'out' : file.stream,
      message: typeof o.message === 'string' ? o.message : line,
    };
  } catch {
    return known;
  }
}

/** `instance`: who wrote the line as far as the file says (log-writers.ts); a JSON line's own field wins. */
export function formatLine(
  file: LogFile,
  line: string,
  opts: PrintOptions,
  instance: number | null = file.instance,
): string {
  const p = parse(file, line, instance);
  if (opts.json) {
    return JSON.stringify({
      timestamp: p.timestamp ?? (opts.timestamp ? new Date().toISOString() : null),
      app_name: p.app,
      process_id: p.id,
      instance: p.instance,
      type: p.stream,
      message: p.message,
    });
  }
  // A time read from the line where it has one; else the time it is printed (PM2's --timestamp).
  const time = opts.timestamp ? `${formatDate(opts.timestamp, p.timestamp ?? undefined)} ` : '';
  if (opts.raw) return `${time}${p.message}`;
  const who = p.instance === null ? `${p.app} | ` : `${p.instance}|${p.app} | `;
  return `${time}${p.stream === 'err' ? red(who) : dim(who)}${p.message}`;
}
