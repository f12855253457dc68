// Keeping the apps across daemon restarts and reboots: save (dump) writes the process list, resurrect
// starts what it holds. The daemon does the work (daemon/persistence/); see docs/persistence.md.
import type { Command } from 'commander';
import { processTable } from '../format/process-list.js';
import { note, printJson } from '../output.js';
import { withClient } from '../session.js';

export function registerPersistenceCommands(program: Command): void {
  program
    .command('save')
    .alias('dump')
    .description('save the current apps (config, env, instances, running or stopped) for "shoal resurrect"')
    .option('-f, --force', 'save even when no app is running (writes an empty list)')
    .option('--json', 'print as JSON')
    .action(async (flags: { force?: boolean; json?: boolean }) =>
      withClient(async (client) => {
        const res = await client.request('save', { force: flags.force === true });
        if (flags.json) printJson(res);
        else process.stdout.write(`Saved ${res.apps} app(s) to ${res.file}\n`);
        return 0;
      }),
    );

  program
    .command('cleardump')
    .description('replace the saved list with an empty one (the previous one is kept as dump.json.bak)')
    .option('--json', 'print as JSON')
    .action(async (flags: { json?: boolean }) =>
      withClient(async (client) => {
        const res = await client.request('cleardump', {});
        if (flags.json) printJson(res);
        else process.stdout.write(`Emptied ${res.file}\n`);
        return 0;
      }),
    );

  program
    .command('resurrect')
    .description('start the saved apps that are not running (from dump.json, or its .bak if damaged)')
    .option('--json', 'print as JSON')
    .action(async (flags: { json?: boolean }) =>
      withClient(async (client) => {
        const res = await client.request('resurrect', {});
        if (flags.json) printJson(res);
        else {
          for (const m of res.messages) note(m);
          process.stdout.write(`${processTable(res.processes)}\n`);
        }
        return 0;
      }),
    );
}
