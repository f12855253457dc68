// Commands about output: logs (last lines, then live) and flush.
import type { Command } from 'commander';
import { ShoalError } from '../../errors.js';
import { formatLine, type PrintOptions } from '../log-lines.js';
import { followNamed, lastNamedLines } from '../log-writers.js';
import { dim, printJson } from '../output.js';
import { run, withClient } from '../session.js';

interface LogsFlags {
  lines: string;
  nostream?: boolean;
  err?: boolean;
  out?: boolean;
  raw?: boolean;
  json?: boolean;
  timestamp?: string | boolean;
}

function lineCount(value: string): number {
  if (!/^\d+$/.test(value.trim()))
    throw new ShoalError(
      'SHOAL_ERR_FLAG_INVALID',
      `--lines expects a whole number of lines (0 or more), got ${JSON.stringify(value)}.`,
      { key: 'lines', received: value },
    );
  return Number(value);
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
    .option('--json', 'print each line as a JSON object (timestamp, app, instance, stream, message)')
    .option('--timestamp [format]', 'add the time in front of each line (dayjs format)')
    .action(async (target: string | undefined, flags: LogsFlags) => {
      // Checked before anything else: a bad flag must not even start a daemon.
      let n: number;
      try {
        n = lineCount(flags.lines);
      } catch (err) {
        return run(() => Promise.reject(err));
      }
      return withClient(async (client) => {
        const opts: PrintOptions = {
          raw: flags.raw === true,
          json: flags.json === true,
          timestamp:
            flags.timestamp === undefined || flags.timestamp === false
              ? null
              : flags.timestamp === true
                ? 'YYYY-MM-DDTHH:mm:ss'
                : flags.timestamp,
        };
        const { files } = await client.request('logs', { target: target ?? null });
        const wanted = files.filter((f) =>
          flags.err ? f.stream === 'err' : flags.out ? f.stream === 'out' : true,
        );
        for (const f of wanted) {
          const lines = await lastNamedLines(f, n);
          if (!opts.raw && !opts.json) process.stdout.write(dim(`${f.path} (last ${lines.length} lines)\n`));
          for (const l of lines) process.stdout.write(`${formatLine(f, l.text, opts, l.instance)}\n`);
        }
        if (flags.nostream) return 0;
        client.close();
        const stops = wanted.map((f) =>
          followNamed(f, (l) => process.stdout.write(`${formatLine(f, l.text, opts, l.instance)}\n`)),
        );
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        for (const s of stops) s();
        return 0;
      });
    });

  program
    .command('reloadLogs')
    .description('reopen every log file (after logrotate moved them away)')
    .option('--json', 'print as JSON')
    .action(async (flags: { json?: boolean }) =>
      withClient(async (client) => {
        const { files } = await client.request('reloadLogs', {});
        if (flags.json) printJson({ reopened: files });
        else process.stdout.write(`Reopened ${files.length} log file(s)\n`);
        return 0;
      }),
    );

  program
    .command('flush')
    .description('empty the log files of an app (or all)')
    .argument('[target]', 'name, id or namespace')
    .option('--json', 'print as JSON')
    .action(async (target: string | undefined, flags: { json?: boolean }) =>
      withClient(async (client) => {
        const { files } = await client.request('flush', { target: target ?? null });
        if (flags.json) printJson({ flushed: files });
        else process.stdout.write(`Flushed ${files.length} log file(s)\n`);
        return 0;
      }),
    );
}
