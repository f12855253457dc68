// PM2's small lookup verbs, kept for scripts written against PM2: id (the process ids of an app), pid
// (the pids), prettylist (the list as indented JSON), and reset (restart counts back to 0).
import type { Command } from 'commander';
import type { ProcessInfo } from '../../protocol/process-info.js';
import { processTable } from '../format/process-list.js';
import { printJson } from '../output.js';
import { withClient } from '../session.js';

const ofApp = (list: ProcessInfo[], name: string | undefined) =>
  name === undefined ? list : list.filter((p) => p.name === name || String(p.id) === name);

export function registerLookupCommands(program: Command): void {
  program
    .command('id')
    .description('the process ids of an app, as a JSON array (PM2: pm2 id <name>)')
    .argument('<name>', 'app name')
    .option('--json', 'print as JSON (the default)')
    .action(async (name: string) =>
      withClient(async (client) => {
        printJson(ofApp((await client.request('list', {})).processes, name).map((p) => p.id));
        return 0;
      }),
    );

  program
    .command('pid')
    .description('the pids of an app (or of every process), one a line; stopped processes have none')
    .argument('[name]', 'app name or process id (default: every process)')
    .option('--json', 'print a JSON array')
    .action(async (name: string | undefined, flags: { json?: boolean }) =>
      withClient(async (client) => {
        const pids = ofApp((await client.request('list', {})).processes, name)
          .map((p) => p.pid)
          .filter((pid): pid is number => pid !== null);
        if (flags.json) printJson(pids);
        else for (const pid of pids) process.stdout.write(`${pid}\n`);
        return 0;
      }),
    );

  program
    .command('reset')
    .description('set the restart counts of an app, a process id, a namespace or all back to 0')
    .argument('<target>', 'name, id, namespace or "all"')
    .option('--json', 'print as JSON')
    .action(async (target: string, flags: { json?: boolean }) =>
      withClient(async (client) => {
        const { processes } = await client.request('reset', { target });
        if (flags.json) printJson(processes);
        else process.stdout.write(`${processTable(processes)}\n`);
        return 0;
      }),
    );
}
