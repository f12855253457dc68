// Where one run's stdout and stderr go: each to its log file, line by line, with stderr's lines also
// handed to the supervisor (it keeps the last ones for describe and failed starts).
import type { ChildHandle } from './child-handle.js';
import { attachToLog, type LogFile, type TimestampFormat } from './log-sink.js';

export interface OutputFiles {
  out: LogFile | null;
  err: LogFile | null;
  timestamp: TimestampFormat;
}

/** Starts copying; the promises settle once each stream has ended and its last line is written. */
export function attachOutput(
  child: Pick<ChildHandle, 'stdout' | 'stderr'>,
  files: OutputFiles,
  onStderrLine: (line: string) => void,
): Promise<void>[] {
  const done: Promise<void>[] = [];
  if (child.stdout) done.push(attachToLog(child.stdout, files.out, { timestamp: files.timestamp }));
  if (child.stderr)
    done.push(attachToLog(child.stderr, files.err, { timestamp: files.timestamp, onLine: onStderrLine }));
  return done;
}
