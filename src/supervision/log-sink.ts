// Writes what processes print to a log file without losing or breaking a line, and without blocking
// the supervisor: when the file cannot keep up, the sources are paused (the pipe fills and the app's
// writes wait), never dropped. Several sources (instances of one app) may share one file; each source
// keeps its own partial line so lines never interleave mid-line.
import { createWriteStream } from 'node:fs';
import { PassThrough, type Readable } from 'node:stream';
import dayjs from 'dayjs';
import { openLogFile } from './log-open.js';

/** A partial line longer than this is written out anyway, so one endless line cannot grow memory forever. */
const MAX_PENDING_BYTES = 1024 * 1024;
const CLOSE_WAIT_MS = 5_000;

export type TimestampFormat = string | null;

export function timestampFormatFor(opts: { time: boolean; log_date_format: string | null }): TimestampFormat {
  if (opts.log_date_format) return opts.log_date_format;
  return opts.time ? 'YYYY-MM-DDTHH:mm:ss.SSSZ' : null;
}

export class LogFile {
  readonly path: string;
  /** Takes writes at once; piped into the file once it is open (opening never blocks the event loop). */
  private stream = new PassThrough({ highWaterMark: 64 * 1024 });
  private paused = new Set<Readable>();
  private sources = 0;
  private readonly finished: Promise<void>;

  /** onOpenError: the file could not be opened (see log-open.ts); what was written is dropped. */
  constructor(path: string, onOpenError: (err: Error) => void = () => {}) {
    this.path = path;
    this.stream.on('drain', () => {
      for (const r of this.paused) r.resume();
      this.paused.clear();
    });
    this.finished = openLogFile(path).then(
      (handle) =>
        new Promise<void>((resolve) => {
          const file = createWriteStream('', { fd: handle });
          // A write error (disk full, file removed by hand) must not crash the supervisor.
          file.on('error', () => {
            this.stream.unpipe(file);
            this.stream.resume();
            resolve();
          });
          file.on('close', () => resolve());
          this.stream.pipe(file);
        }),
      (err: Error) => {
        onOpenError(err);
        this.stream.resume(); // drain into nothing, so no source stays paused forever
        return new Promise<void>((resolve) => this.stream.once('end', () => resolve()));
      },
    );
  }

  write(data: string, source: Readable | null): void {
    if (!this.stream.write(data) && source) {
      source.pause();
      this.paused.add(source);
    }
  }

  /** True once every user has released the file. */
  get closed(): boolean {
    return this.sources <= 0;
  }

  retain(): void {
    this.sources += 1;
  }

  /** Drops one user; the file is closed once nobody writes to it. Resolves once data is flushed. */
  release(): Promise<void> {
    this.sources -= 1;
    if (this.sources > 0) return Promise.resolve();
    return this.close();
  }

  /**
   * Ends the file; resolves once what was written is in it (or could not be), or after 5 s: a file whose
   * open never finishes (a hung network mount) must not hold up a stop.
   */
  close(): Promise<void> {
    if (!this.stream.writableEnded) this.stream.end();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, CLOSE_WAIT_MS);
      timer.unref();
      void this.finished.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

export interface AttachOptions {
  timestamp: TimestampFormat;
  /** Called with each complete line (without newline), e.g. to keep the last stderr lines. */
  onLine?: (line: string) => void;
}

/** Copies a readable into a log file line by line; resolves when the readable has ended and its last line is written. */
export function attachToLog(source: Readable, file: LogFile | null, opts: AttachOptions): Promise<void> {
  return new Promise((resolve) => {
    let pending = '';
    source.setEncoding('utf8');
    const emitLines = (text: string) => {
      if (!opts.onLine) return;
      for (const line of text.split('\n')) if (line.length > 0) opts.onLine(line);
    };
    const writeComplete = (complete: string) => {
      // complete ends with '\n' and holds whole lines only
      if (file) {
        if (opts.timestamp === null) file.write(complete, source);
        else {
          const stamp = dayjs().format(opts.timestamp);
          const body = complete.slice(0, -1).split('\n');
          file.write(`${body.map((l) => `${stamp}: ${l}`).join('\n')}\n`, source);
        }
      }
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
