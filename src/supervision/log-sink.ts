// Copies what processes print into their log files line by line (log-file.ts does the writing). Several
// sources (instances of one app) may share one file; each source keeps its own partial line so lines
// never interleave mid-line. Lines are written raw, with a timestamp, or as JSON objects (log_type json).
import type { Readable } from 'node:stream';
import { formatDate } from './date-format.js';
import type { LogFile } from './log-file.js';

/** A partial line longer than this is written out anyway, so one endless line cannot grow memory forever. */
const MAX_PENDING_BYTES = 1024 * 1024;

export type TimestampFormat = string | null;

export function timestampFormatFor(opts: { time: boolean; log_date_format: string | null }): TimestampFormat {
  if (opts.log_date_format) return opts.log_date_format;
  return opts.time ? 'YYYY-MM-DDTHH:mm:ss.SSSZ' : null;
}

/** Who wrote the lines, for JSON lines (PM2's field names, so log shippers that read PM2's keep working). */
export interface JsonIdentity {
  app: string;
  id: number;
  instance: number;
}

export interface AttachOptions {
  timestamp: TimestampFormat;
  /** Set for log_type json: each line becomes one JSON object. */
  json?: JsonIdentity | null;
  stream?: 'out' | 'err';
  /** The instance writing, named in a merged file's attribution index (raw lines do not say it). */
  instance?: number | null;
  /** Counts lines the file could not take (disk full). */
  onDropped?: (lines: number, reason: string) => void;
  /** Called with each complete line (without newline), e.g. to keep the last stderr lines. */
  onLine?: (line: string) => void;
}

/** Copies a readable into a log file line by line; resolves when the readable has ended and its last line is written. */
export function attachToLog(source: Readable, file: LogFile | null, opts: AttachOptions): Promise<void> {
  const writer = {
    readable: source,
    dropped: (n: number, why: string) => opts.onDropped?.(n, why),
    instance: opts.instance ?? null,
  };
  return new Promise((resolve) => {
    let pending = '';
    source.setEncoding('utf8');
    const emitLines = (text: string) => {
      if (!opts.onLine) return;
      for (const line of text.split('\n')) if (line.length > 0) opts.onLine(line);
    };
    const writeComplete = (complete: string) => {
      // complete ends with '\n' and holds whole lines only
      if (file) file.write(formatLines(complete, opts), writer);
      emitLines(complete);
    };
    source.on('data', (chunk: string) => {
      const nl = chunk.lastIndexOf('\n');
      if (nl === -1) {
        pending += chunk;
        if (pending.length > MAX_PENDING_BYTES) {
          writeComplete(`${pending}\n`);
          pending = '';
        }
        return;
      }
      writeComplete(pending + chunk.slice(0, nl + 1));
      pending = chunk.slice(nl + 1);
    });
    const finish = () => {
      if (pending.length > 0) writeComplete(`${pending}\n`);
      pending = '';
      resolve();
    };
    source.once('end', finish);
    source.once('error', finish);
    source.once('close', () => {
      // 'close' without 'end' (destroyed pipe): still write what we have
      if (pending.length > 0 || !source.readableEnded) finish();
    });
  });
}

/** complete ends with a newline and holds whole lines; returns them as they go into the file. */
export function formatLines(complete: string, opts: AttachOptions): string {
  if (opts.json) {
    const who = opts.json;
    const timestamp = opts.timestamp === null ? new Date().toISOString() : formatDate(opts.timestamp);
    const type = opts.stream ?? 'out';
    let out = '';
    for (const message of complete.slice(0, -1).split('\n')) {
      out += `${JSON.stringify({ timestamp, app_name: who.app, process_id: who.id, instance: who.instance, type, message })}\n`;
    }
    return out;
  }
  if (opts.timestamp === null) return complete;
  const stamp = formatDate(opts.timestamp);
  const body = complete.slice(0, -1).split('\n');
  return `${body.map((l) => `${stamp}: ${l}`).join('\n')}\n`;
}
