// Commands that read state: ls and describe.
import type { Command } from 'commander';
import type { ProcessDetail } from '../../protocol/process-info.js';
import { ShoalError } from '../../errors.js';
import { miniList, processTable, SORT_FIELDS, sortProcesses } from '../format/process-list.js';
import { redactConfig } from '../format/redact.js';
import { formatBytes, formatDuration } from '../format/units.js';
import { printJson } from '../output.js';
import { withClient } from '../session.js';

function redacted(d: ProcessDetail): ProcessDetail {
  return { ...d, config: redactConfig(d.config) };
}

function describeText(d: ProcessDetail): string {
  const c = redactConfig(d.config);
  const rows: Array<[string, string]> = [
    ['id', String(d.id)],
    ['name', d.name],
    ['namespace', d.namespace],
    ['status', d.status],
    ['status reason', d.status_reason],
    ['mode', d.mode],
    ['instance', String(d.instance)],
    ['pid', d.pid === null ? '-' : String(d.pid)],
    ['restarts', `${d.restarts} (unstable in a row: ${d.unstable_restarts})`],
    ['uptime', d.pid === null ? '-' : formatDuration(d.uptime)],
    ['cpu', `${d.cpu.toFixed(1)}%`],
    ['memory', formatBytes(d.memory)],
    // Heap and event-loop figures come from the worker preload of Node apps; other apps have none.
    ...(d.heap_used !== null
      ? [
          ['heap', `${formatBytes(d.heap_used)} used of ${formatBytes(d.heap_total ?? 0)}`] as [
            string,
            string,
          ],
        ]
      : []),
    ...(d.loop_delay !== null
      ? [['loop delay', `${(d.loop_delay * 1000).toFixed(1)} ms`] as [string, string]]
      : []),
    ['listening', d.listening.length > 0 ? d.listening.join(', ') : '-'],
    ...(d.notice ? [['notice', d.notice] as [string, string]] : []),
    ['memory limit', c.max_memory_restart ? formatBytes(c.max_memory_restart) : '-'],
    ['last restart', d.last_restart_reason ?? '-'],
    ...(d.hang_report ? [['hang report', d.hang_report] as [string, string]] : []),
    ['last exit', d.last_exit ? `${d.last_exit.reason} after ${d.last_exit.uptime} ms` : '-'],
    ['next restart', d.next_restart_at ? new Date(d.next_restart_at).toISOString() : '-'],
    ['script', c.script],
    ['args', JSON.stringify(c.args)],
    ['interpreter', `${c.interpreter} ${c.interpreter_args.join(' ')}`.trim()],
    ['cwd', c.cwd],
    ['out log', d.out_log ?? '(disabled)'],
    ['error log', d.err_log ?? '(disabled)'],
    ...(d.log_dropped
      ? [
          [
            'log',
            `dropped ${d.log_dropped.lines} lines since ${new Date(d.log_dropped.since).toISOString()}: ${d.log_dropped.reason}`,
          ] as [string, string],
        ]
      : []),
    ['kill', `${c.kill_signal}, SIGKILL after ${c.kill_timeout} ms`],
    [
      'restart policy',
      `autorestart=${c.autorestart} max_restarts=${c.max_restarts} min_uptime=${c.min_uptime} restart_delay=${c.restart_delay} exp_backoff=${c.exp_backoff_restart_delay}`,
    ],
    ['source', c.source_file ?? 'command line'],
    ...primaryRows(d),
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
  const env = c.env;
  if (Object.keys(env).length > 0) {
    lines.push('', 'env (from the process file):');
    for (const [k, v] of Object.entries(env)) lines.push(`  ${k}=${v}`);
  }
  if (d.app_metrics.length > 0) {
    lines.push('', 'app metrics (this process, as last reported):');
    for (const m of d.app_metrics) for (const sample of m.samples) lines.push(`  ${metricLine(m, sample)}`);
  }
  if (d.exits.length > 0) {
    lines.push('', 'recent exits:');
    for (const e of d.exits)
      lines.push(`  ${new Date(e.at).toISOString()}  ${e.reason} after ${e.uptime} ms`);
  }
  if (d.recent_stderr.length > 0) {
    lines.push('', 'last stderr lines:');
    for (const l of d.recent_stderr) lines.push(`  ${l}`);
  }
  return lines.join('\n');
}

type Metric = ProcessDetail['app_metrics'][number];
/** `orders_total{kind="paid"} 3`, or a histogram's count and sum. */
function metricLine(m: Metric, s: Metric['samples'][number]): string {
  const labels = Object.entries(s.labels);
  const name = labels.length > 0 ? `${m.name}{${labels.map(([k, v]) => `${k}="${v}"`).join(',')}}` : m.name;
  if (m.type === 'histogram') return `${name} count=${s.count ?? 0} sum=${s.sum ?? 0}`;
  return `${name} ${s.value ?? 0}`;
}

/** The cluster primary: its pid, how often and why it was started again, and a problem if the daemon has one with it. */
function primaryRows(d: ProcessDetail): Array<[string, string]> {
  const p = d.primary;
  if (!p) return [];
  const restarts =
    p.restarts === 0 ? 'never restarted' : `restarted ${p.restarts} time(s), last: ${p.last_restart_reason}`;
  const rows: Array<[string, string]> = [['primary', `pid ${p.pid ?? '-'}, ${restarts}`]];
  if (p.problem) rows.push(['primary problem', p.problem]);
  return rows;
}

/** Each app's total over its processes, then each process; a target may span apps (all, a namespace). */
function describeGrouped(list: ProcessDetail[]): string {
  const apps = new Map<string, ProcessDetail[]>();
  for (const d of list) apps.set(d.name, [...(apps.get(d.name) ?? []), d]);
  const parts: string[] = [];
  for (const [name, procs] of apps) {
    const online = procs.filter((p) => p.status === 'online').length;
    const cpu = procs.reduce((n, p) => n + p.cpu, 0);
    const memory = procs.reduce((n, p) => n + p.memory, 0);
    parts.push(
      `app ${name}: ${procs.length} process(es), ${online} online, cpu ${cpu.toFixed(1)}% total, memory ${formatBytes(memory)} total`,
    );
    for (const d of procs) parts.push(describeText(d));
  }
  return parts.join('\n\n');
}

export function registerInspectCommands(program: Command): void {
  program
    .command('ls')
    .aliases(['list', 'status', 'ps', 'l'])
    .description('list every process with its status, restarts, uptime, CPU and memory')
    .option('--json', 'print an array of process objects')
    .option('--sort <field>', `sort by ${SORT_FIELDS.join(', ')}, with :asc or :desc (name:desc)`)
    .option('-m, --mini-list', 'one unpadded line per process: id name status pid')
    .action(async (flags: { json?: boolean; sort?: string; miniList?: boolean }) => {
      // Checked before the daemon is reached: a typo starts nothing.
      if (flags.sort !== undefined && sortProcesses([], flags.sort) === null) {
        throw new ShoalError(
          'SHOAL_ERR_USAGE',
          `--sort ${flags.sort}: expected one of ${SORT_FIELDS.join(', ')}, optionally with :asc or :desc.`,
        );
      }
      return withClient(async (client) => {
        const listed = (await client.request('list', {})).processes;
        const processes = flags.sort ? (sortProcesses(listed, flags.sort) ?? listed) : listed;
        if (flags.json) printJson(processes);
        else if (flags.miniList) {
          if (processes.length > 0) process.stdout.write(`${miniList(processes)}\n`);
        } else process.stdout.write(`${processTable(processes)}\n`);
        return 0;
      });
    });

  program
    .command('jlist')
    .alias('prettylist')
    .description('the process list as JSON (PM2 names for ls --json)')
    .option('--json', 'print as JSON (the default)')
    .action(async () =>
      withClient(async (client) => {
        printJson((await client.request('list', {})).processes);
        return 0;
      }),
    );

  program
    .command('describe')
    .aliases(['desc', 'info', 'show'])
    .description('everything about an app or process: config, status, last exits, recent stderr')
    .argument('<target>', 'name or id')
    .option('--json', 'print an array of process details (secrets in env redacted)')
    .action(async (target: string, flags: { json?: boolean }) =>
      withClient(async (client) => {
        const { processes } = await client.request('describe', { target });
        if (flags.json) printJson(processes.map(redacted));
        else process.stdout.write(`${describeGrouped(processes)}\n`);
        return 0;
      }),
    );
}
