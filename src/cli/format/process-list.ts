// The `shoal ls` table and the one-line summaries printed after start/stop/restart.
import type { ProcessInfo } from '../../protocol/process-info.js';
import { green, red, yellow } from '../output.js';
import { renderTable } from './table.js';
import { formatBytes, formatDuration } from './units.js';

const statusColor = (s: ProcessInfo['status']) =>
  s === 'online' ? green(s) : s === 'errored' ? red(s) : s === 'stopped' ? s : yellow(s);

export function processTable(list: ProcessInfo[]): string {
  if (list.length === 0) return 'No processes. Start one with "shoal start app.js".';
  const rows = list.map((p) => [
    String(p.id),
    p.name,
    p.namespace === 'default' ? '' : p.namespace,
    p.mode,
    p.pid === null ? '-' : String(p.pid),
    // A "!" marks a process with a notice, explained under the table.
    p.notice ? `${p.status}!` : p.status,
    String(p.restarts),
    // A process that does not run has no uptime (not "0s", which reads as "just started").
    p.pid === null ? '-' : formatDuration(p.uptime),
    `${p.cpu.toFixed(1)}%`,
    formatBytes(p.memory),
  ]);
  const text = renderTable(
    ['id', 'name', 'namespace', 'mode', 'pid', 'status', 'restarts', 'uptime', 'cpu', 'memory'],
    rows,
  );
  // Colour after layout so escape codes do not skew the column widths.
  const table = text
    .split('\n')
    .map((line, i) =>
      i < 2 ? line : line.replace(` ${list[i - 2]!.status}`, ` ${statusColor(list[i - 2]!.status)}`),
    )
    .join('\n');
  const notes = list.filter((p) => p.notice).map((p) => `! ${p.name} (id ${p.id}): ${p.notice}`);
  return notes.length > 0 ? `${table}\n\n${yellow(notes.join('\n'))}` : table;
}

/** `ls -m` (PM2's mini list): one unpadded line per process, for grep and cut. */
export function miniList(list: ProcessInfo[]): string {
  return list.map((p) => `${p.id} ${p.name} ${p.status} ${p.pid ?? '-'}`).join('\n');
}

/** The fields `ls --sort` takes, as PM2 (`--sort name:desc`). */
export const SORT_FIELDS = [
  'id',
  'name',
  'namespace',
  'pid',
  'status',
  'restarts',
  'uptime',
  'cpu',
  'memory',
] as const;
type SortField = (typeof SORT_FIELDS)[number];

/** Sorts by "field" or "field:asc|desc"; null when the spec names no known field or order. */
export function sortProcesses(list: ProcessInfo[], spec: string): ProcessInfo[] | null {
  const [field, order = 'asc'] = spec.split(':');
  if (!SORT_FIELDS.includes(field as SortField) || (order !== 'asc' && order !== 'desc')) return null;
  const key = field as SortField;
  const sign = order === 'desc' ? -1 : 1;
  return [...list].sort((a, b) => {
    const x = a[key] ?? -1;
    const y = b[key] ?? -1;
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return sign * c || a.id - b.id;
  });
}
