// `shoal run` copies every app's log lines to its own stdout (out) and stderr (err), where container
// runtimes collect them: `<instance>|<app>| line`, or one JSON object per line with --json-logs. The log
// files stay the source (so `shoal logs` works inside the container too); they are followed from where
// they stood when the run began, whole lines only, and read to their end once more before the exit.
import { closeSync, openSync, readSync, statSync, watch, type FSWatcher } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { LogFile } from '../../protocol/control-channel.js';

const POLL_MS = 200;
/** Most bytes read from one file at once; a longer backlog is read over several turns, never skipped. */
const MAX_READ = 1024 * 1024;

export interface EchoOptions {
  json: boolean;
  /** The instance number of a process id, for the prefix. */
  instanceOf(id: number | null): number | null;
  write(stream: 'out' | 'err', text: string): void;
}

interface Followed {
  file: LogFile;
  offset: number;
  partial: string;
  /** Keeps a character cut by a read boundary for the next read. */
  decoder: StringDecoder;
  watcher: FSWatcher | null;
}

export class LogEcho {
  private readonly followed = new Map<string, Followed>();
  private readonly timer: NodeJS.Timeout;

  /** `startAt` holds the sizes files had before the run began; a file not in it is read from its start. */
  constructor(
    private readonly opts: EchoOptions,
    private readonly startAt: ReadonlyMap<string, number>,
  ) {
    this.timer = setInterval(() => this.readAll(), POLL_MS);
    this.timer.unref();
  }

  /** Follows the given files (the apps' current ones); files already followed are kept. */
  track(files: readonly LogFile[]): void {
    for (const file of files) {
      if (this.followed.has(file.path)) continue;
      const f: Followed = {
        file,
        offset: this.startAt.get(file.path) ?? 0,
        partial: '',
        decoder: new StringDecoder('utf8'),
        watcher: null,
      };
      try {
        f.watcher = watch(file.path, () => this.read(f));
        f.watcher.on('error', () => {});
      } catch {
        f.watcher = null; // not created yet: the poll picks it up
      }
      this.followed.set(file.path, f);
      this.read(f);
    }
  }

  /** Reads every file to its end, then stops following; a last partial line is written as a line. */
  drain(): void {
    clearInterval(this.timer);
    for (const f of this.followed.values()) {
      f.watcher?.close();
      this.read(f);
      if (f.partial.length > 0) this.emit(f, f.partial);
      f.partial = '';
    }
    this.followed.clear();
  }

  private readAll(): void {
    for (const f of this.followed.values()) this.read(f);
  }

  private read(f: Followed): void {
    for (;;) {
      let size: number;
      try {
        size = statSync(f.file.path).size;
      } catch {
        return;
      }
      if (size < f.offset) {
        // truncated (shoal flush): follow the new content from its start
        f.offset = 0;
        f.partial = '';
        f.decoder = new StringDecoder('utf8');
      }
      if (size === f.offset) return;
      const length = Math.min(size - f.offset, MAX_READ);
      const text = f.decoder.write(readRange(f.file.path, f.offset, length));
      f.offset += length;
      const lines = (f.partial + text).split('\n');
      f.partial = lines.pop() ?? '';
      for (const line of lines) this.emit(f, line);
      if (length < MAX_READ) return;
    }
  }

  private emit(f: Followed, line: string): void {
    const instance = this.opts.instanceOf(f.file.id);
    const text = this.opts.json
      ? JSON.stringify({
          time: new Date().toISOString(),
          app: f.file.app,
          instance,
          id: f.file.id,
          stream: f.file.stream,
          message: line,
        })
      : `${instance ?? '*'}|${f.file.app}| ${line}`;
    this.opts.write(f.file.stream, `${text}\n`);
  }
}

function readRange(path: string, from: number, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(length);
    const n = readSync(fd, buf, 0, length, from);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}
