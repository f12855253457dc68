// Which instance wrote which bytes of a merged log file. The file itself stays raw (users ship it as it
// is); next to it, a small index `.<name>.who` holds one text record per run of lines from one writer:
// `<start> <end> <instance>`, byte offsets in the log file. Pure: no file access here.

import { basename, dirname, join } from 'node:path';

export interface WhoRecord {
  start: number;
  end: number;
  instance: number;
}

/** The index of a log file: hidden, next to it. */
export function whoPath(logPath: string): string {
  return join(dirname(logPath), `.${basename(logPath)}.who`);
}

export function encodeRecords(records: readonly WhoRecord[]): string {
  let out = '';
  for (const r of records) out += `${r.start} ${r.end} ${r.instance}\n`;
  return out;
}

/** Parses whole records; a torn or foreign line is skipped. */
export function parseRecords(text: string): WhoRecord[] {
  const records: WhoRecord[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\d+) (\d+) (\d+)$/.exec(line);
    if (!m) continue;
    const start = Number(m[1]);
    const end = Number(m[2]);
    if (end > start) records.push({ start, end, instance: Number(m[3]) });
  }
  return records;
}

/**
 * The records that describe the file as it is now: the last run whose offsets keep growing. Offsets
 * going down mean the file was emptied from outside (copytruncate) and written again from its start.
 */
export function currentRun(records: readonly WhoRecord[]): WhoRecord[] {
  let from = records.length;
  while (from > 0 && (from === records.length || records[from - 1]!.end <= records[from]!.start)) from -= 1;
  return records.slice(from);
}

/** The instance that wrote the line ending at byte `end` (just past its newline), or null when unknown. */
export function instanceAt(run: readonly WhoRecord[], end: number): number | null {
  let lo = 0;
  let hi = run.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = run[mid]!;
    if (end <= r.start) hi = mid - 1;
    else if (end > r.end) lo = mid + 1;
    else return r.instance;
  }
  return null;
}
