// `shoal reload|restart|stop|delete <process file>` and startOrReload / startOrRestart /
// startOrGracefulReload: read the file again, send its apps to the daemon, and print per app what
// changed and what was done. Parsing and printing only; the daemon applies the file (daemon/apply/).
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { isProcessFile } from '../../config/process-file-name.js';
import { isShoalError, ShoalError } from '../../errors.js';
import type { RequestPayload, Result } from '../../protocol/channel.js';
import { packageVersion } from '../../protocol/version.js';
import type { DaemonClient } from '../daemon-client.js';
import type { AppOutcome, ControlChannel } from '../../protocol/control-channel.js';
import { processTable } from '../format/process-list.js';
import { printJson, warn } from '../output.js';
import { withClient } from '../session.js';
import { cliEnv } from './process.js';

export interface FileFlags {
  only?: string;
  env?: string;
  updateEnv?: boolean;
  prune?: boolean;
  wait?: boolean;
  json?: boolean;
}

type FileAction = 'reload' | 'restart' | 'stop' | 'delete';

/** The flags a command that takes a process file adds: which apps, which env overlay. */
export function addFileFlags(cmd: Command): Command {
  return cmd
    .option('--only <apps>', 'with a process file: only these apps (comma separated)')
    .option('--env <name>', 'with a process file: apply env_<name>');
}

/** Loads the file (every problem reported before anything running is touched) and picks the --only apps. */
async function appsOf(file: string, flags: FileFlags) {
  const { loadProcessFile } = await import('../../config/index.js');
  const loaded = await loadProcessFile(resolve(file), { envName: flags.env ?? null, cwd: process.cwd() });
  for (const w of loaded.warnings) warn(w.message);
  const names = loaded.apps.map((a) => a.name);
  if (!flags.only) return { file: loaded.file, names, apps: loaded.apps };
  const only = new Set(flags.only.split(',').map((s) => s.trim()));
  const unknown = [...only].filter((n) => !names.includes(n));
  if (unknown.length > 0) {
    throw new ShoalError(
      'SHOAL_ERR_APP_NOT_FOUND',
      `--only ${flags.only}: ${unknown.join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not an app of ${loaded.file} (apps: ${names.join(', ')}).`,
      { file: loaded.file, app: unknown[0] },
    );
  }
  return { file: loaded.file, names, apps: loaded.apps.filter((a) => only.has(a.name)) };
}

function changeLine(c: AppOutcome['changes']): string {
  const parts: string[] = [];
  if (c.changed.length > 0) parts.push(`changed ${c.changed.join(', ')}`);
  if (c.added.length > 0) parts.push(`added ${c.added.join(', ')}`);
  if (c.removed.length > 0) parts.push(`removed ${c.removed.join(', ')}`);
  return parts.length > 0 ? parts.join('; ') : 'no setting changed';
}

function printHuman(res: Result<ControlChannel, 'apply'>, file: string, action: FileAction): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  for (const a of res.apps) {
    if (a.action === 'failed') continue; // on stderr, below
    out(`${a.name}: ${a.action} (${a.detail})`);
    if (action === 'reload' || action === 'restart') out(`  ${changeLine(a.changes)}`);
  }
  for (const name of res.left_alone)
    out(`${name}: started from ${file} but no longer in it: left running (--prune deletes it)`);
  for (const name of res.pruned) out(`${name}: no longer in ${file}: deleted (--prune)`);
  for (const m of res.messages) out(m);
  if (res.processes.length > 0) out(processTable(res.processes));
}

/** Exit code 1 when an app failed or a process did not come online. */
function printProblems(res: Result<ControlChannel, 'apply'>): number {
  for (const w of res.warnings) warn(w);
  for (const a of res.apps) {
    if (a.error) process.stderr.write(`shoal: ${a.name}: ${a.error.message} [${a.error.code}]\n`);
  }
  for (const f of res.failures) {
    process.stderr.write(
      `shoal: ${f.name} (id ${f.id}) did not come online: ${f.reason} [SHOAL_ERR_START_FAILED]\n`,
    );
    if (f.stderr.length > 0)
      process.stderr.write(`  last stderr lines:\n${f.stderr.map((l) => `    ${l}`).join('\n')}\n`);
  }
  return res.apps.some((a) => a.error) || res.failures.length > 0 ? 1 : 0;
}

/** A daemon older than this CLI does not know the request: say what to do rather than "unknown request". */
async function requestApply(client: DaemonClient, payload: RequestPayload<ControlChannel, 'apply'>) {
  try {
    return await client.request('apply', payload);
  } catch (err) {
    if (isShoalError(err) && err.code === 'SHOAL_ERR_PROTOCOL_INVALID' && err.details.type === 'apply') {
      throw new ShoalError(
        'SHOAL_ERR_UNSUPPORTED',
        `The running daemon (shoal ${client.daemonVersion}) cannot apply a process file; run "shoal update" to replace it with this version (${packageVersion()}), then run this command again.`,
        { file: payload.file },
      );
    }
    throw err;
  }
}

export async function applyFile(file: string, action: FileAction, flags: FileFlags): Promise<never> {
  // The file is read and checked before the daemon is reached: a bad file changes nothing.
  const configModule = import('../../config/index.js');
  configModule.catch(() => {});
  return withClient(async (client) => {
    await configModule;
    const { file: absolute, names, apps } = await appsOf(file, flags);
    const res = await requestApply(client, {
      file: absolute,
      file_apps: names,
      apps,
      action,
      update_env: flags.updateEnv === true,
      cli_env: cliEnv(),
      prune: flags.prune === true,
      wait: flags.wait !== false,
    });
    if (flags.json) printJson(res);
    else printHuman(res, file, action);
    return printProblems(res);
  });
}

export function registerStartOrCommands(program: Command): void {
  const variants = [
    { name: 'startOrReload', action: 'reload', alias: 'startOrGracefulReload', what: 'reload' },
    { name: 'startOrRestart', action: 'restart', alias: undefined, what: 'restart' },
  ] as const;
  for (const v of variants) {
    const cmd = program
      .command(v.name)
      .description(
        `start the apps of a process file that are not running, ${v.what} the others with the file's settings`,
      )
      .argument('<file>', 'process file (ecosystem.config.js, .json, .yaml)');
    if (v.alias) cmd.alias(v.alias);
    addFileFlags(cmd)
      .option('--update-env', "replace the apps' base environment with this shell's")
      .option('--prune', 'delete the apps started from this file that it no longer defines')
      .option('--no-wait', 'return without waiting until every process is online or has failed')
      .option('--json', 'print as JSON')
      .action(async (file: string, flags: FileFlags) => {
        if (!isProcessFile(file)) {
          throw new ShoalError(
            'SHOAL_ERR_UNSUPPORTED',
            `${v.name} takes a process file (ecosystem.config.js, .json, .yaml), not "${file}"; for an app, run "shoal ${v.what} ${file}".`,
            { file },
          );
        }
        return applyFile(file, v.action, flags);
      });
  }
}
