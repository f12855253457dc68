// Commands that change what runs: start, stop, restart, reload, delete, scale.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { isProcessFile } from '../../config/process-file-name.js';
import { ShoalError } from '../../errors.js';
import type { AppConfig } from '../../protocol/app-config.js';
import type { ProcessInfo } from '../../protocol/process-info.js';
import type { DaemonClient } from '../daemon-client.js';
import { processTable } from '../format/process-list.js';
import { printJson, warn } from '../output.js';
import { withClient } from '../session.js';
import { addStartFlags, type StartCommandFlags, startEntry } from './start-flags.js';

export function cliEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return env;
}

async function appsToStart(
  target: string,
  args: string[],
  flags: StartCommandFlags,
  cmd: Command,
): Promise<AppConfig[]> {
  // Loaded on demand: validation pulls in the schema library, which only start and config need.
  const { appFromCli, loadProcessFile } = await import('../../config/index.js');
  if (isProcessFile(target)) {
    const loaded = await loadProcessFile(resolve(target), { envName: flags.env ?? null, cwd: process.cwd() });
    for (const w of loaded.warnings) warn(w.message);
    if (!flags.only) return loaded.apps;
    const only = new Set(flags.only.split(',').map((s) => s.trim()));
    const apps = loaded.apps.filter((a) => only.has(a.name));
    if (apps.length === 0) {
      throw new ShoalError(
        'SHOAL_ERR_APP_NOT_FOUND',
        `--only ${flags.only}: no such app in ${loaded.file} (apps: ${loaded.apps.map((a) => a.name).join(', ')}).`,
        { file: loaded.file },
      );
    }
    return apps;
  }
  const { entry, flagOf } = startEntry(target, args, cmd);
  const loaded = appFromCli(entry, { cwd: process.cwd(), envName: flags.env ?? null, flagOf });
  for (const w of loaded.warnings) warn(w.message);
  return loaded.apps;
}

function printProcesses(list: ProcessInfo[], json: boolean | undefined): void {
  if (json) printJson(list);
  else process.stdout.write(`${processTable(list)}\n`);
}

function printMessages(messages: string[]): void {
  for (const m of messages) process.stdout.write(`${m}\n`);
}

/** PM2's "smart start": `start NAME` of a known, stopped app starts it again. */
async function knownApp(client: DaemonClient, target: string): Promise<boolean> {
  if (existsSync(resolve(target))) return false;
  const { processes } = await client.request('list', {});
  return processes.some((p) => p.name === target || String(p.id) === target);
}

export function registerProcessCommands(program: Command): void {
  const start = program
    .command('start')
    .description('start a script, a command ("python3 worker.py") or every app of a process file')
    .argument('<target>', 'script, command, process file (ecosystem.config.js, .json, .yaml), or a known app')
    .argument('[args...]', 'arguments passed to the script (put them after --)');
  addStartFlags(start).action(
    async (target: string, args: string[], flags: StartCommandFlags, cmd: Command) => {
      // Load the validator while the daemon starts (a separate process): a cold start waits for both,
      // not one after the other.
      const configModule = import('../../config/index.js');
      configModule.catch(() => {});
      return withClient(async (client) => {
        if (!isProcessFile(target) && (await knownApp(client, target))) {
          const res = await client.request('restart', { target });
          printProcesses(res.processes, flags.json);
          return 0;
        }
        const apps = await configModule.then(() => appsToStart(target, args, flags, cmd));
        const res = await client.request('start', { apps, cli_env: cliEnv() });
        printMessages(res.messages);
        printProcesses(res.processes, flags.json);
        return 0;
      });
    },
  );

  program
    .command('stop')
    .description('stop an app, a process id, a namespace, or all')
    .argument('<target>', 'name, id, namespace or "all"')
    .option('--json', 'print as JSON')
    .action(async (target: string, flags: { json?: boolean }) =>
      withClient(async (client) => {
        printProcesses((await client.request('stop', { target })).processes, flags.json);
        return 0;
      }),
    );

  program
    .command('restart')
    .description('stop and start again (use reload for zero downtime in cluster mode)')
    .argument('<target>', 'name, id, namespace or "all"')
    .option('--update-env', "replace the app's base environment with this shell's")
    .option('--json', 'print as JSON')
    .action(async (target: string, flags: { json?: boolean; updateEnv?: boolean }) =>
      withClient(async (client) => {
        const res = await client.request('restart', {
          target,
          update_env: flags.updateEnv === true,
          cli_env: flags.updateEnv ? cliEnv() : undefined,
        });
        printMessages(res.messages);
        printProcesses(res.processes, flags.json);
        return 0;
      }),
    );

  program
    .command('reload')
    .description('replace workers one by one without dropping requests (cluster mode)')
    .argument('<target>', 'name, id, namespace or "all"')
    .option('--json', 'print as JSON')
    .action(async (target: string, flags: { json?: boolean }) =>
      withClient(async (client) => {
        const res = await client.request('reload', { target });
        printMessages(res.messages);
        printProcesses(res.processes, flags.json);
        return 0;
      }),
    );

  program
    .command('scale')
    .description('set the number of instances of an app (N, +N, -N, max)')
    .argument('<name>', 'app name')
    .argument('<instances>', 'N, +N, -N or max')
    .option('--json', 'print as JSON')
    .action(async (name: string, instances: string, flags: { json?: boolean }) =>
      withClient(async (client) => {
        const res = await client.request('scale', { name, instances });
        printMessages(res.messages);
        printProcesses(res.processes, flags.json);
        return 0;
      }),
    );

  program
    .command('delete')
    .alias('del')
    .description('stop and forget an app (or all)')
    .argument('<target>', 'name, id, namespace or "all"')
    .option('--json', 'print as JSON')
    .action(async (target: string, flags: { json?: boolean }) =>
      withClient(async (client) => {
        const res = await client.request('delete', { target });
        if (flags.json) printJson(res.processes);
        else process.stdout.write(`Deleted ${[...new Set(res.processes.map((p) => p.name))].join(', ')}\n`);
        return 0;
      }),
    );
}
