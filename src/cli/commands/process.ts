// Commands that change what runs: start, stop, restart, reload, delete, scale.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { isProcessFile } from '../../config/process-file-name.js';
import { ShoalError } from '../../errors.js';
import type { AppConfig } from '../../protocol/app-config.js';
import type { Result } from '../../protocol/channel.js';
import type { ControlChannel } from '../../protocol/control-channel.js';
import type { ProcessInfo } from '../../protocol/process-info.js';
import type { DaemonClient } from '../daemon-client.js';
import { processTable } from '../format/process-list.js';
import { printJson, warn } from '../output.js';
import { withClient } from '../session.js';
import { addFileFlags, applyFile, type FileFlags, registerStartOrCommands } from './process-file-apply.js';
import { addStartFlags, type StartCommandFlags, startEntry } from './start-flags.js';

export function cliEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return env;
}

export async function appsToStart(
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

/**
 * What start, restart, reload and scale print: notes, the processes, then on stderr the warnings and
 * every process that failed instead of coming online, with its last stderr lines. Exits 1 on a failure.
 */
function reportStarted(res: Result<ControlChannel, 'start'>, json: boolean | undefined): number {
  printMessages(res.messages);
  printProcesses(res.processes, json);
  for (const w of res.warnings) warn(w);
  for (const f of res.failures) {
    process.stderr.write(
      `shoal: ${f.name} (id ${f.id}) did not come online: ${f.reason} [SHOAL_ERR_START_FAILED]\n`,
    );
    if (f.stderr.length > 0)
      process.stderr.write(`  last stderr lines:\n${f.stderr.map((l) => `    ${l}`).join('\n')}\n`);
  }
  return res.failures.length > 0 ? 1 : 0;
}

/** PM2's "smart start": `start NAME` of a known app starts it again; the app's script when it is one. */
async function knownApp(client: DaemonClient, target: string): Promise<string | null> {
  if (existsSync(resolve(target))) return null;
  const { processes } = await client.request('list', {});
  const match = processes.find((p) => p.name === target || String(p.id) === target);
  return match ? match.name : null;
}

/** `start <known app> --name X -- args`: the options cannot apply to an app that exists; say what would. */
async function refuseOptionsForKnownApp(client: DaemonClient, name: string, given: string[]): Promise<never> {
  const [detail] = (await client.request('describe', { target: name })).processes;
  const script = detail?.config.script ?? '<script>';
  throw new ShoalError(
    'SHOAL_ERR_APP_EXISTS',
    `"${name}" is an app the daemon already knows (it runs ${script}), so ${given.join(', ')} cannot apply to it. "shoal start ${name}" alone starts it again as it is; to start its script as another app, run "shoal start ${script} --name <new name> [options] [-- args]".`,
    { app: name },
  );
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
      const wait = flags.wait !== false;
      const hints = flags.hints !== false && !process.env.SHOAL_NO_HINTS;
      return withClient(async (client) => {
        const known = isProcessFile(target) ? null : await knownApp(client, target);
        if (known !== null) {
          const { flagOf } = startEntry(target, args, cmd);
          const given = [...Object.values(flagOf), ...(args.length > 0 ? [`arguments after --`] : [])];
          if (given.length > 0) await refuseOptionsForKnownApp(client, known, given);
          return reportStarted(await client.request('restart', { target, wait }), flags.json);
        }
        const apps = await configModule.then(() => appsToStart(target, args, flags, cmd));
        return reportStarted(
          await client.request('start', { apps, cli_env: cliEnv(), wait, hints }),
          flags.json,
        );
      });
    },
  );

  const stop = program
    .command('stop')
    .description('stop an app, a process id, a namespace, all, or the apps of a process file')
    .argument('<target>', 'name, id, namespace, "all" or a process file');
  addFileFlags(stop)
    .option('--json', 'print as JSON')
    .action(async (target: string, flags: FileFlags) =>
      isProcessFile(target)
        ? applyFile(target, 'stop', flags)
        : withClient(async (client) => {
            printProcesses((await client.request('stop', { target })).processes, flags.json);
            return 0;
          }),
    );

  const restart = program
    .command('restart')
    .description(
      'stop and start again (use reload for zero downtime in cluster mode); a process file is read again first',
    )
    .argument('<target>', 'name, id, namespace, "all" or a process file');
  addFileFlags(restart)
    .option('--update-env', "replace the app's base environment with this shell's")
    .option('--prune', 'with a process file: delete the apps started from it that it no longer defines')
    .option('--no-wait', 'return without waiting until every process is online or has failed')
    .option('--json', 'print as JSON')
    .action(async (target: string, flags: FileFlags) =>
      isProcessFile(target)
        ? applyFile(target, 'restart', flags)
        : withClient(async (client) => {
            const res = await client.request('restart', {
              target,
              update_env: flags.updateEnv === true,
              cli_env: flags.updateEnv ? cliEnv() : undefined,
              wait: flags.wait !== false,
            });
            return reportStarted(res, flags.json);
          }),
    );

  const reload = program
    .command('reload')
    .description(
      'replace workers one by one without dropping requests (cluster mode); a process file is read again first',
    )
    .argument('<target>', 'name, id, namespace, "all" or a process file');
  addFileFlags(reload)
    .option('--update-env', "with a process file: replace the apps' base environment with this shell's")
    .option('--prune', 'with a process file: delete the apps started from it that it no longer defines')
    .option('--no-wait', 'return without waiting until every new process is online or has failed')
    .option('--json', 'print as JSON')
    .action(async (target: string, flags: FileFlags) =>
      isProcessFile(target)
        ? applyFile(target, 'reload', flags)
        : withClient(async (client) =>
            reportStarted(await client.request('reload', { target, wait: flags.wait !== false }), flags.json),
          ),
    );

  registerStartOrCommands(program);

  program
    .command('scale')
    .description('set the number of instances of an app (N, +N, -N, max)')
    .argument('<name>', 'app name')
    .argument('<instances>', 'N, +N, -N or max')
    .option('--no-wait', 'return without waiting until every new process is online or has failed')
    .option('--json', 'print as JSON')
    .action(async (name: string, instances: string, flags: { json?: boolean; wait?: boolean }) =>
      withClient(async (client) =>
        reportStarted(
          await client.request('scale', { name, instances, wait: flags.wait !== false }),
          flags.json,
        ),
      ),
    );

  const del = program
    .command('delete')
    .alias('del')
    .description('stop and forget an app (or all, or the apps of a process file)')
    .argument('<target>', 'name, id, namespace, "all" or a process file');
  addFileFlags(del)
    .option('--json', 'print as JSON')
    .action(async (target: string, flags: FileFlags) =>
      isProcessFile(target)
        ? applyFile(target, 'delete', flags)
        : withClient(async (client) => {
            const res = await client.request('delete', { target });
            if (flags.json) printJson(res.processes);
            else
              process.stdout.write(`Deleted ${[...new Set(res.processes.map((p) => p.name))].join(', ')}\n`);
            return 0;
          }),
    );
}
