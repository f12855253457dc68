// Where one run's stdout and stderr go: each to its log file, line by line, with stderr's lines also
// handed to the supervisor (it keeps the last ones for describe and failed starts).
import type { ChildHandle } from './child-handle.js';
import type { LogFile } from './log-file.js';
import { attachToLog, type JsonIdentity, type TimestampFormat } from './log-sink.js';

export interface OutputFiles {
  out: LogFile | null;
  err: LogFile | null;
  timestamp: TimestampFormat;
  /** log_type json: lines are written as JSON objects. */
  json: boolean;
}

export interface OutputHooks {
  identity: JsonIdentity;
  onStderrLine: (line: string) => void;
  onDropped: (lines: number, reason: string) => void;
}

/** Starts copying; the promises settle once each stream has ended and its last line is written. */
export function attachOutput(
  child: Pick<ChildHandle, 'stdout' | 'stderr'>,
  files: OutputFiles,
  hooks: OutputHooks,
): Promise<void>[] {
  const done: Promise<void>[] = [];
  const json = files.json ? hooks.identity : null;
  // JSON lines name their writer themselves; raw ones are named in the file's attribution index.
  const instance = json ? null : hooks.identity.instance;
  const common = { timestamp: files.timestamp, json, instance, onDropped: hooks.onDropped };
  if (child.stdout) done.push(attachToLog(child.stdout, files.out, { ...common, stream: 'out' }));
  if (child.stderr)
    done.push(attachToLog(child.stderr, files.err, { ...common, stream: 'err', onLine: hooks.onStderrLine }));
  return done;
}

/** Appends to a list that keeps only its last `max` entries (recent stderr lines, recent exits). */
export function keepLast<T>(list: T[], item: T, max: number): void {
  list.push(item);
  if (list.length > max) list.shift();
}

/** Adds lines a log file could not take to the process's running count; `since` is the first loss. */
export function recordDropped(
  on: { logDropped: { lines: number; since: number; reason: string } | null },
  lines: number,
  reason: string,
  at: number,
): void {
  on.logDropped = { lines: (on.logDropped?.lines ?? 0) + lines, since: on.logDropped?.since ?? at, reason };
}
