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
    formatDuration(p.uptime),
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
