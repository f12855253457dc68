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
import { note, printJson, warn } from '../output.js';
import { withClient } from '../session.js';
import { addFileFlags, applyFile, type FileFlags, registerStartOrCommands } from './process-file-apply.js';
import { addStartFlags, type StartCommandFlags, startEntry } from './start-flags.js';
import { type StartTarget, startTarget } from './start-target.js';

export function cliEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return env;
}

export async function appsToStart(
  target: StartTarget,
  args: string[],
  flags: StartCommandFlags,
  cmd: Command,
): Promise<AppConfig[]> {
  // Loaded on demand: validation pulls in the schema library, which only start and config need.
  const { appFromCli, loadProcessFile, loadProcessJson } = await import('../../config/index.js');
  if (target.kind !== 'script') {
    const opts = { envName: flags.env ?? null, cwd: process.cwd() };
    const loaded =
      target.kind === 'file' ? await loadProcessFile(target.path, opts) : loadProcessJson(target.text, opts);
    for (const w of loaded.warnings) warn(w.message);
    if (!flags.only) return loaded.apps;
    const only = new Set(flags.only.split(',').map((s) => s.trim()));
    const apps = loaded.apps.filter((a) => only.has(a.name));
    if (apps.length === 0) {
      throw new ShoalError(
        'SHOAL_ERR_APP_NOT_FOUND',
        `--only ${flags.only}: no such app in ${loaded.file || 'stdin'} (apps: ${loaded.apps.map((a) => a.name).join(', ')}).`,
        { file: loaded.file },
      );
    }
    return apps;
  }
  const { entry, flagOf } = startEntry(target.target, args, cmd);
  const loaded = appFromCli(entry, { cwd: process.cwd(), envName: flags.env ?? null, flagOf });
  for (const w of loaded.warnings) warn(w.message);
  return loaded.apps;
}

function printProcesses(list: ProcessInfo[], json: boolean | undefined): void {
  if (json) printJson(list);
  else process.stdout.write(`${processTable(list)}\n`);
}

/**
 * What start, restart, reload and scale print: the processes on stdout; on stderr the notes, warnings and
 * every process that failed instead of coming online, with its last stderr lines. Exits 1 on a failure.
 */
function reportStarted(res: Result<ControlChannel, 'start'>, json: boolean | undefined): number {
  for (const m of res.messages) note(m);
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
async function refuseOptionsForKnownApp(
  client: DaemonClient,
  name: string,
  given: string[],
  instances: unknown,
): Promise<never> {
  const [detail] = (await client.request('describe', { target: name })).processes;
  const script = detail?.config.script ?? '<script>';
  // The one option people mean to change on a running app: say which command does it.
  const scale =
    instances === undefined
      ? ''
      : ` To run ${String(instances)} instances of it, run "shoal scale ${name} ${String(instances)}".`;
  throw new ShoalError(
    'SHOAL_ERR_APP_EXISTS',
    `"${name}" is an app the daemon already knows (it runs ${script}), so ${given.join(', ')} cannot apply to it.${scale} "shoal start ${name}" alone starts it again as it is; to start its script as another app, run "shoal start ${script} --name <new name> [options] [-- args]".`,
    { app: name },
  );
}

/** `start -f`: PM2 starts a second copy; names are unique here, so the running app is replaced. */
async function deleteRunning(client: DaemonClient, apps: AppConfig[]): Promise<void> {
  const { processes } = await client.request('list', {});
  for (const name of new Set(apps.map((a) => a.name))) {
    if (!processes.some((p) => p.name === name)) continue;
    note(`${name}: deleted to start it again with these settings (--force)`);
    await client.request('delete', { target: name });
  }
}

export function registerProcessCommands(program: Command): void {
  const start = program
    .command('start')
    .description('start a script, a command ("python3 worker.py") or every app of a process file')
    .argument(
      '[target]',
      'script, command, process file (ecosystem.config.js, .ts, .json, .yaml), "-" for JSON on stdin, or a known app (default: ./ecosystem.config.*)',
    )
    .argument('[args...]', 'arguments passed to the script (put them after --)');
  addStartFlags(start).action(
    async (given: string | undefined, args: string[], flags: StartCommandFlags, cmd: Command) => {
      const what = startTarget(given);
      if (flags.log !== undefined)
        warn('-l/--log: Shoal writes out_file and error_file (-o, -e); there is no combined log file');
      const target = what.kind === 'script' ? what.target : null;
      // Load the validator while the daemon starts (a separate process): a cold start waits for both,
      // not one after the other.
      const configModule = import('../../config/index.js');
      configModule.catch(() => {});
      const wait = flags.wait !== false;
      const hints = flags.hints !== false && !process.env.SHOAL_NO_HINTS;
      return withClient(async (client) => {
        const known = target === null ? null : await knownApp(client, target);
        if (target !== null && known !== null) {
          const { entry, flagOf } = startEntry(target, args, cmd);
          const given = [...Object.values(flagOf), ...(args.length > 0 ? [`arguments after --`] : [])];
          if (given.length > 0) await refuseOptionsForKnownApp(client, known, given, entry.instances);
          const update = flags.updateEnv === true;
          return reportStarted(
            await client.request('restart', {
              target,
              wait,
              update_env: update,
              cli_env: update ? cliEnv() : undefined,
            }),
            flags.json,
          );
        }
        const apps = await configModule.then(() => appsToStart(what, args, flags, cmd));
        if (flags.force) await deleteRunning(client, apps);
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
    .option('-a, --update-env', "replace the app's base environment with this shell's")
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
