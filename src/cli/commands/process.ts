// Commands that change what runs: start, stop, restart, reload, delete, scale.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliStartOptions } from '../../config/index.js';
import { isProcessFile } from '../../config/process-file-name.js';
import { ShoalError } from '../../errors.js';
import type { AppConfig } from '../../protocol/app-config.js';
import type { ProcessInfo } from '../../protocol/process-info.js';
import type { DaemonClient } from '../daemon-client.js';
import { processTable } from '../format/process-list.js';
import { printJson, warn } from '../output.js';
import { withClient } from '../session.js';

export function cliEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return env;
}

interface StartFlags {
  name?: string;
  instances?: string;
  interpreter?: string;
  interpreterArgs?: string;
  nodeArgs?: string;
  cwd?: string;
  env?: string;
  only?: string;
  watch?: boolean | string;
  maxMemoryRestart?: string;
  killTimeout?: string;
  restartDelay?: string;
  expBackoffRestartDelay?: string;
  maxRestarts?: string;
  minUptime?: string;
  autorestart?: boolean;
  waitReady?: boolean;
  listenTimeout?: string;
  time?: boolean;
  logDateFormat?: string;
  output?: string;
  error?: string;
  mergeLogs?: boolean;
  namespace?: string;
  cron?: string;
  stopExitCodes?: string;
  treekill?: boolean;
  shutdownWithMessage?: boolean;
  execMode?: string;
  json?: boolean;
}

const num = (v: string | undefined, flag: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) {
    throw new ShoalError('SHOAL_ERR_CONFIG_INVALID', `Option ${flag} expects a number, got "${v}".`, {
      key: flag,
    });
  }
  return n;
};

function startOptions(flags: StartFlags, args: string[]): CliStartOptions {
  const interpreterArgs = flags.interpreterArgs ?? flags.nodeArgs;
  return {
    name: flags.name,
    instances: flags.instances,
    interpreter: flags.interpreter,
    interpreterArgs: interpreterArgs ? interpreterArgs.split(/\s+/).filter(Boolean) : undefined,
    args: args.length > 0 ? args : undefined,
    cwd: flags.cwd,
    envName: flags.env ?? null,
    execMode: flags.execMode,
    watch: typeof flags.watch === 'string' ? flags.watch.split(',') : flags.watch,
    maxMemoryRestart: flags.maxMemoryRestart,
    killTimeout: num(flags.killTimeout, '--kill-timeout'),
    restartDelay: num(flags.restartDelay, '--restart-delay'),
    expBackoffRestartDelay: num(flags.expBackoffRestartDelay, '--exp-backoff-restart-delay'),
    maxRestarts: num(flags.maxRestarts, '--max-restarts'),
    minUptime: flags.minUptime,
    autorestart: flags.autorestart,
    waitReady: flags.waitReady,
    listenTimeout: num(flags.listenTimeout, '--listen-timeout'),
    time: flags.time,
    logDateFormat: flags.logDateFormat,
    output: flags.output,
    error: flags.error,
    mergeLogs: flags.mergeLogs,
    namespace: flags.namespace,
    cron: flags.cron,
    stopExitCodes: flags.stopExitCodes
      ?.split(/[\s,]+/)
      .filter(Boolean)
      .map((c) => num(c, '--stop-exit-codes')!),
    noTreekill: flags.treekill === false ? true : undefined,
    shutdownWithMessage: flags.shutdownWithMessage,
  };
}

async function appsToStart(target: string, args: string[], flags: StartFlags): Promise<AppConfig[]> {
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
  const loaded = appFromCli(target, startOptions(flags, args), process.cwd());
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
  program
    .command('start')
    .description('start a script, a command ("python3 worker.py") or every app of a process file')
    .argument('<target>', 'script, command, process file (ecosystem.config.js, .json, .yaml), or a known app')
    .argument('[args...]', 'arguments passed to the script (put them after --)')
    .option('-n, --name <name>', 'app name (default: script name)')
    .option(
      '-i, --instances <n>',
      'number of instances: N, max, or -N (CPUs minus N); implies cluster mode for Node',
    )
    .option('--exec-mode <mode>', 'fork or cluster')
    .option('--interpreter <path>', 'interpreter (node, python3, none, ...)')
    .option('--interpreter-args <args>', 'arguments for the interpreter')
    .option('--node-args <args>', 'alias of --interpreter-args')
    .option('--cwd <dir>', 'working directory of the app')
    .option('--env <name>', 'apply env_<name> from the process file')
    .option('--only <apps>', 'with a process file: only these apps (comma separated)')
    .option('--namespace <ns>', 'namespace of the app')
    .option('--watch [paths]', 'restart on file changes')
    .option('--max-memory-restart <size>', 'restart when memory exceeds this (e.g. 300M)')
    .option('-k, --kill-timeout <ms>', 'ms between the stop signal and SIGKILL')
    .option('--restart-delay <ms>', 'delay before restarting a crashed process')
    .option('--exp-backoff-restart-delay <ms>', 'first delay of an exponential restart backoff')
    .option('--max-restarts <n>', 'unstable restarts before the process is marked errored')
    .option('--min-uptime <duration>', 'a run shorter than this counts as unstable')
    .option('--no-autorestart', 'do not restart the app when it exits')
    .option('--stop-exit-codes <codes>', 'exit codes that do not trigger a restart (comma separated)')
    .option('--wait-ready', 'wait for the app to signal ready')
    .option('--listen-timeout <ms>', 'how long to wait for ready/listening')
    .option(
      '--shutdown-with-message',
      'ask the app to stop with an IPC "shutdown" message instead of a signal',
    )
    .option('--no-treekill', 'signal only the main process, not its children')
    .option('--time', 'prefix log lines with a timestamp')
    .option('--log-date-format <format>', 'timestamp format for log lines (dayjs)')
    .option('-o, --output <file>', 'stdout log file')
    .option('-e, --error <file>', 'stderr log file')
    .option('--merge-logs', 'one log file for all instances (default)')
    .option('-c, --cron <pattern>', 'cron pattern for periodic restarts')
    .option('--json', 'print the started processes as JSON')
    .action(async (target: string, args: string[], flags: StartFlags) => {
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
        const apps = await configModule.then(() => appsToStart(target, args, flags));
        const res = await client.request('start', { apps, cli_env: cliEnv() });
        printMessages(res.messages);
        printProcesses(res.processes, flags.json);
        return 0;
      });
    });

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
