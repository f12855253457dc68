// Which instance wrote each line `shoal logs` prints. A file of one writer says it in the control reply;
// a merged file that several instances write has an attribution index beside it (protocol/
// log-attribution.ts), looked up by where each line ends. A line it does not name keeps the reply's answer
// (none for a merged file: printed `<app> | `, as before there was an index).
import type { LogFile } from '../protocol/control-channel.js';
import { AttributionReader } from '../protocol/log-attribution.js';
import { followLines, type Tail, type TailLine, tailLines } from './log-tail.js';

interface Batch {
  lines: TailLine[];
  fileId: string;
  /** The first lines since reading started over at the file's start (flush, rotation). */
  restarted: boolean;
}

export interface NamedLine {
  text: string;
  /** The instance that wrote the line, or null when not known. */
  instance: number | null;
}

/** A follower waits this long, once, for the index to name a line it has not named yet. */
const RECORD_WAIT_MS = 200;

/** Only raw merged files have an index: JSON lines and per-instance files say who wrote them. */
const indexed = (file: LogFile) => file.log_type === 'raw' && file.id === null;

/** Whether an index is to be expected: there is one, or the reply names no single writer. */
const awaited = (file: LogFile, valid: boolean) => valid || file.instance === null;

const named = (file: LogFile, line: TailLine): NamedLine => ({ text: line.text, instance: file.instance });

function name(file: LogFile, reader: AttributionReader | null, valid: boolean, line: TailLine): NamedLine {
  const found = reader && valid ? reader.current.instanceAt(line.end) : undefined;
  return { text: line.text, instance: found === undefined ? file.instance : found };
}

/**
 * The last `count` lines of a log file, each with its writer. The index is written just after the lines
 * it names: when it does not reach the last line yet, it is read once more after a moment.
 */
export async function lastNamedLines(file: LogFile, count: number): Promise<NamedLine[]> {
  if (!indexed(file)) return tailLines(file.path, count).lines.map((l) => named(file, l));
  const reader = new AttributionReader(file.path);
  try {
    // The index is opened before the log is read, so the lines read are in it, even should the file
    // rotate meanwhile; read again (twice at most) should the index be replaced in between (a flush).
    let tail: Tail = { lines: [], fileId: null };
    for (let attempt = 0; attempt < 3; attempt++) {
      reader.close();
      reader.open();
      tail = tailLines(file.path, count);
      if (reader.stable()) break;
    }
    const last = tail.lines[tail.lines.length - 1];
    if (tail.fileId === null || last === undefined) return tail.lines.map((l) => named(file, l));
    let valid = reader.refresh(tail.fileId, last.end);
    if (awaited(file, valid) && !(valid && reader.current.instanceAt(last.end) !== undefined)) {
      await new Promise((r) => setTimeout(r, RECORD_WAIT_MS));
      valid = reader.refresh(tail.fileId, last.end);
    }
    return tail.lines.map((l) => name(file, reader, valid, l));
  } finally {
    reader.close();
  }
}

/**
 * Calls onLine for every line appended to the file from now on, with its writer, in order; returns a
 * function that stops. The index is written just after the lines it names, so a batch whose last line it
 * does not reach yet waits (with what comes after it) for one more look at the index before it is printed.
 */
export function followNamed(file: LogFile, onLine: (line: NamedLine) => void): () => void {
  const reader = indexed(file) ? new AttributionReader(file.path) : null;
  reader?.open();
  const held: Batch[] = [];
  let timer: NodeJS.Timeout | null = null;

  const print = (lines: TailLine[], valid: boolean) => {
    for (const l of lines) onLine(name(file, reader, valid, l));
  };
  const refresh = ({ fileId, lines, restarted }: Batch): boolean => {
    if (!reader?.refresh(fileId, lines[lines.length - 1]!.end, restarted)) return false;
    // Records of lines already printed are not needed again: a long follow's memory stays flat.
    reader.current.dropBefore(lines[0]!.end);
    return true;
  };
  /** Prints a batch, unless the index does not reach it yet and it may wait: false then. */
  const printed = (batch: Batch, mayWait: boolean): boolean => {
    const valid = refresh(batch);
    const expected = reader !== null && awaited(file, valid);
    const reached =
      valid && reader!.current.instanceAt(batch.lines[batch.lines.length - 1]!.end) !== undefined;
    if (mayWait && expected && !reached) return false;
    print(batch.lines, valid);
    return true;
  };
  /** Prints what is held, in order, up to a batch that waits; `waited`: the first one has had its wait. */
  const release = (waited: boolean) => {
    timer = null;
    let mayWait = !waited;
    while (held.length > 0) {
      if (!printed(held[0]!, mayWait)) {
        timer = setTimeout(release, RECORD_WAIT_MS, true);
        return;
      }
      held.shift();
      mayWait = true;
    }
  };
  const stop = followLines(file.path, (lines, fileId, restarted) => {
    held.push({ lines, fileId, restarted });
    if (held.length === 1) release(false);
  });
  return () => {
    stop();
    if (timer) clearTimeout(timer);
    for (const h of held.splice(0)) print(h.lines, refresh(h));
    reader?.close();
  };
}
