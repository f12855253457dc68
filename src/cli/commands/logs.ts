// Commands about output: logs (last lines, then live) and flush.
import type { Command } from 'commander';
import { follow, lastLines } from '../log-tail.js';
import { dim, printJson, red } from '../output.js';
import { withClient } from '../session.js';

interface LogsFlags {
  lines: string;
  nostream?: boolean;
  err?: boolean;
  out?: boolean;
  raw?: boolean;
  json?: boolean;
}

export function registerLogCommands(program: Command): void {
  program
    .command('logs')
    .alias('log')
    .description('print the last lines of app logs, then stream new ones')
    .argument('[target]', 'name, id or namespace (default: all apps)')
    .option('--lines <n>', 'how many past lines to print per file', '15')
    .option('--nostream', 'print the past lines and exit')
    .option('--err', 'only stderr')
    .option('--out', 'only stdout')
    .option('--raw', 'print lines without the app prefix')
    .option('--json', 'print the past lines of each file as one JSON array and exit (implies --nostream)')
    .action(async (target: string | undefined, flags: LogsFlags) =>
      withClient(async (client) => {
        const { files } = await client.request('logs', { target: target ?? null });
        const wanted = files.filter((f) =>
          flags.err ? f.stream === 'err' : flags.out ? f.stream === 'out' : true,
        );
        const n = Number(flags.lines);
        if (flags.json) {
          // One document, so no live stream: a script that wants new lines runs it again.
          printJson(wanted.map((f) => ({ ...f, lines: lastLines(f.path, Number.isFinite(n) ? n : 15) })));
          return 0;
        }
        const prefix = (app: string, stream: 'out' | 'err') =>
          flags.raw ? '' : stream === 'err' ? red(`${app} | `) : dim(`${app} | `);
        for (const f of wanted) {
          const lines = lastLines(f.path, Number.isFinite(n) ? n : 15);
          if (!flags.raw) process.stdout.write(dim(`${f.path} (last ${lines.length} lines)\n`));
          for (const l of lines) process.stdout.write(`${prefix(f.app, f.stream)}${l}\n`);
        }
        if (flags.nostream) return 0;
        client.close();
        const stops = wanted.map((f) =>
          follow(f.path, (l) => process.stdout.write(`${prefix(f.app, f.stream)}${l}\n`)),
        );
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        for (const s of stops) s();
        return 0;
      }),
    );

  program
    .command('flush')
    .description('empty the log files of an app (or all)')
    .argument('[target]', 'name, id or namespace')
    .option('--json', 'print {files} as JSON')
    .action(async (target: string | undefined, flags: { json?: boolean }) =>
      withClient(async (client) => {
        const { files } = await client.request('flush', { target: target ?? null });
        if (flags.json) printJson({ files });
        else process.stdout.write(`Flushed ${files.length} log file(s)\n`);
        return 0;
      }),
    );
}
