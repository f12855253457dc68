// Prints one log file's lines for `shoal logs`: past lines, then live ones. For a file several
// instances share, each line is attributed to the instance that wrote it from the file's index.
import type { LogFile } from '../protocol/control-channel.js';
import { formatLine, type PrintOptions } from './log-lines.js';
import type { LineAt } from './log-tail.js';
import { WhoIndex } from './log-who-reader.js';

/**
 * The index record of a line is written right after the line, by the writer's next turn; on a busy
 * machine that can take a while. A live line waits for it up to INDEX_WAIT_MS, looking every
 * INDEX_POLL_MS, and prints without it after that.
 */
const INDEX_POLL_MS = 25;
const INDEX_WAIT_MS = 1000;

export interface FilePrinter {
  past(lines: readonly LineAt[]): void;
  live(text: string, end: number): void;
  stop(): void;
}

/** Whether the index has the line's record yet, looking at the index again when it is behind. */
function covered(index: WhoIndex, end: number): boolean {
  if (!index.covers(end)) index.refresh();
  return index.covers(end);
}

export function printerFor(file: LogFile, opts: PrintOptions, write: (s: string) => void): FilePrinter {
  const index = file.instance === null && file.log_type !== 'json' ? new WhoIndex(file.path) : null;
  const print = (text: string, end: number) => {
    const instance = index?.instanceAt(end) ?? file.instance;
    write(`${formatLine({ ...file, instance }, text, opts)}\n`);
  };
  const waiting: Array<LineAt & { at: number }> = [];
  let lastEnd = 0;
  let timer: NodeJS.Timeout | null = null;
  const flushWaiting = (force: boolean) => {
    timer = null;
    while (waiting.length > 0) {
      const next = waiting[0]!;
      if (!force && index && !covered(index, next.end) && Date.now() - next.at < INDEX_WAIT_MS) {
        timer = setTimeout(() => flushWaiting(false), INDEX_POLL_MS);
        return;
      }
      waiting.shift();
      print(next.text, next.end);
    }
  };
  return {
    past(lines) {
      for (const l of lines) print(l.text, l.end);
    },
    live(text, end) {
      // The file started over (flush, rotation): so did its index, whose old records no longer apply.
      if (end <= lastEnd) index?.restart();
      lastEnd = end;
      // Lines keep their order: once one waits for its record, the ones after it wait too.
      if (index && (waiting.length > 0 || !covered(index, end))) {
        waiting.push({ text, end, at: Date.now() });
        timer ??= setTimeout(() => flushWaiting(false), INDEX_POLL_MS);
        return;
      }
      print(text, end);
    },
    stop() {
      if (timer) clearTimeout(timer);
      flushWaiting(true);
    },
  };
}
