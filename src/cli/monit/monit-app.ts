// The `shoal monit` screen (ink + React, written with createElement so no JSX build step is needed):
// the process list with live CPU and memory, the selected process's figures, and its app's last log
// lines. Up/down (or k/j) select, q or Esc quits; Ctrl-C quits through ink's own handler.
import type * as Ink from 'ink';
import type * as React from 'react';
import type { ProcessInfo } from '../../protocol/process-info.js';
import { formatBytes, formatDuration } from '../format/units.js';
import { importModule } from '../import-module.js';
import type { FeedState, LogLine, MonitFeed } from './monit-feed.js';
import { monitActions } from './monit-keys.js';

const POLL_MS = 1000;

/**
 * ink and React, imported when monit starts. ink is an ES module with top-level await, which the CLI's
 * CommonJS bundle could not require(); imported, it also reads CI from the environment only once monit
 * has cleared it (commands/monitor.ts).
 */
let ui: { ink: typeof Ink; react: typeof React };

const statusColor = (s: ProcessInfo['status']) =>
  s === 'online' ? 'green' : s === 'errored' ? 'red' : s === 'stopped' ? 'gray' : 'yellow';

const terminalSize = (stdout: NodeJS.WriteStream) => ({
  columns: stdout.columns || 100,
  rows: stdout.rows || 30,
});

function useTerminalSize(): { columns: number; rows: number } {
  const { useStdout } = ui.ink;
  const { useEffect, useState } = ui.react;
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => terminalSize(stdout));
  useEffect(() => {
    const onResize = () => setSize(terminalSize(stdout));
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}

function MonitScreen({ feed }: { feed: MonitFeed }) {
  const { Box, Text, useApp, useInput } = ui.ink;
  const { createElement: h, useEffect, useState } = ui.react;
  const { exit } = useApp();
  const { columns, rows } = useTerminalSize();
  const [state, setState] = useState<FeedState>({ processes: [], error: null, at: 0 });
  const [selected, setSelected] = useState(0);
  const [logs, setLogs] = useState<LogLine[]>([]);

  const procs = state.processes;
  const current = procs[Math.min(selected, procs.length - 1)] ?? null;
  // Rows: title 1, list box (borders 2 + header 1 + rows), details box (borders 2 + 3 lines), logs box.
  // One line is left free: an ink frame as tall as the terminal is redrawn from scratch on every update.
  const listRows = Math.max(1, Math.min(procs.length, Math.floor((rows - 12) / 2)));
  const logRows = Math.max(1, rows - 1 - 1 - (3 + listRows) - 5 - 2);

  useEffect(() => {
    let alive = true;
    const tick = async () => {
      const next = await feed.poll();
      if (alive) setState(next);
    };
    void tick();
    const timer = setInterval(() => void tick(), POLL_MS);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [feed]);

  const app = current?.name ?? null;
  // state.at is among the dependencies to re-read the files on every poll.
  useEffect(() => {
    let alive = true;
    if (app === null) {
      setLogs([]);
      return;
    }
    void feed.logs(app, logRows).then((lines) => {
      if (alive) setLogs(lines);
    });
    return () => {
      alive = false;
    };
  }, [feed, app, logRows, state.at]);

  useInput((input, key) => {
    for (const action of monitActions(input, key)) {
      if (action === 'quit') return exit();
      if (action === 'up') setSelected((s) => Math.max(0, Math.min(s, procs.length - 1) - 1));
      else setSelected((s) => Math.min(procs.length - 1, s + 1));
    }
  });

  const index = Math.min(selected, procs.length - 1);
  const first = Math.max(0, Math.min(index - Math.floor(listRows / 2), procs.length - listRows));
  const visible = procs.slice(first, first + listRows);
  const nameWidth = Math.max(4, Math.min(24, Math.max(0, ...procs.map((p) => p.name.length))));
  const row = (cells: Array<[string, number]>) => cells.map(([s, w]) => s.slice(0, w).padEnd(w)).join(' ');
  const header = row([
    ['id', 4],
    ['name', nameWidth],
    ['mode', 7],
    ['status', 9],
    ['cpu', 7],
    ['memory', 8],
    ['restarts', 8],
    ['uptime', 7],
  ]);
  const cut = (s: string) => (s.length > columns - 4 ? `${s.slice(0, columns - 5)}…` : s);

  return h(
    Box,
    { flexDirection: 'column', width: columns },
    h(
      Text,
      null,
      h(Text, { bold: true, color: 'cyan' }, ' Shoal monit '),
      h(
        Text,
        { dimColor: true },
        ` ${procs.length} processes · ↑/↓ select · q quit${state.error ? '' : ` · ${new Date(state.at || Date.now()).toLocaleTimeString()}`}`,
      ),
    ),
    h(
      Box,
      { borderStyle: 'round', borderColor: 'gray', flexDirection: 'column', paddingX: 1 },
      h(Text, { dimColor: true }, header),
      state.error
        ? h(Text, { color: 'red' }, cut(`daemon unreachable: ${state.error}`))
        : procs.length === 0
          ? h(Text, { dimColor: true }, 'No processes. Start one with "shoal start app.js".')
          : visible.map((p) => {
              const isSel = p.id === current?.id;
              return h(
                Text,
                { key: p.id, inverse: isSel },
                row([
                  [`${isSel ? '›' : ' '}${p.id}`, 4],
                  [p.name, nameWidth],
                  [p.mode, 7],
                ]),
                ' ',
                h(Text, { color: statusColor(p.status) }, p.status.padEnd(9)),
                ' ',
                row([
                  [`${p.cpu.toFixed(1)}%`, 7],
                  [formatBytes(p.memory), 8],
                  [String(p.restarts), 8],
                  [formatDuration(p.uptime), 7],
                ]),
              );
            }),
    ),
    h(
      Box,
      { borderStyle: 'round', borderColor: 'gray', flexDirection: 'column', paddingX: 1 },
      ...details(current).map((line, i) => h(Text, { key: i, wrap: 'truncate-end' }, line)),
    ),
    h(
      Box,
      {
        borderStyle: 'round',
        borderColor: 'gray',
        flexDirection: 'column',
        paddingX: 1,
        height: logRows + 2,
      },
      logs.length === 0
        ? h(Text, { dimColor: true }, app ? `no log lines for ${app} yet` : '')
        : logs.map((l, i) =>
            h(Text, { key: i, wrap: 'truncate-end', color: l.stream === 'err' ? 'red' : undefined }, l.text),
          ),
    ),
  );
}

function details(p: ProcessInfo | null): string[] {
  if (!p) return ['', '', ''];
  const heap =
    p.heap_used !== null ? `heap ${formatBytes(p.heap_used)} / ${formatBytes(p.heap_total ?? 0)}` : 'heap -';
  const loop = p.loop_delay !== null ? `loop delay ${(p.loop_delay * 1000).toFixed(1)} ms` : 'loop delay -';
  return [
    `${p.name} #${p.id}  pid ${p.pid ?? '-'}  ${p.status} (${p.status_reason})`,
    `cpu ${p.cpu.toFixed(1)}%  memory ${formatBytes(p.memory)}  ${heap}  ${loop}`,
    `restarts ${p.restarts}  last restart: ${p.last_restart_reason ?? '-'}`,
  ];
}

/** Runs the monitor on the alternate screen until the user quits; the terminal is restored either way. */
export async function runMonit(feed: MonitFeed): Promise<void> {
  const [ink, react] = await Promise.all([
    importModule<typeof Ink>('ink'),
    importModule<typeof React>('react'),
  ]);
  ui = { ink, react };
  const out = process.stdout;
  out.write('\u001b[?1049h\u001b[H');
  const instance = ink.render(ui.react.createElement(MonitScreen, { feed }), {
    exitOnCtrlC: true,
    patchConsole: true,
  });
  const onSignal = () => instance.unmount();
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  try {
    await instance.waitUntilExit();
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    instance.cleanup();
    out.write('\u001b[?1049l');
  }
}
