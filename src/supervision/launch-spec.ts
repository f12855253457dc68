// Turns an app's normalized config into the exact command, arguments and environment of one instance.
// Apps are always spawned without a shell: the command is an executable path and args are an array.
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppConfig } from '../protocol/app-config.js';
import { appFileName, appFiles } from './app-files.js';
import { logPath } from './log-paths.js';
import { runtimeVariables } from './runtime-env.js';
import { typescriptLoader } from './typescript-loader.js';

export interface LaunchSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /** True when the command is Node, so an IPC channel (ready signal, graceful shutdown) can be offered. */
  isNode: boolean;
}

const TS_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.tsx']);

export function isTypeScript(script: string): boolean {
  return TS_EXTENSIONS.has(extname(script));
}

/**
 * The preload injected into every Node app process (drain, ready, stats; see worker/preload.ts), built as
 * CommonJS (scripts/bundle.js) and loaded with --require: a CommonJS app then never starts Node's ESM
 * loader for it, which would cost each worker about 15 ms and 2 MB.
 */
export const WORKER_PRELOAD = fileURLToPath(new URL('../worker/preload.cjs', import.meta.url));

/** Node flags for an app process: Shoal's preload, the TypeScript loader for .ts apps, then the app's own. */
export function nodeExecArgs(app: AppConfig): string[] {
  const args = ['--require', WORKER_PRELOAD];
  if (isTypeScript(app.script)) args.push('--import', typescriptLoader());
  return [...args, ...app.interpreter_args];
}

export interface InstanceIdentity {
  id: number;
  instance: number;
  home: string;
}

/** SHOAL_* variables every process gets (documented in docs/environment.md). */
export function shoalVariables(app: AppConfig, who: InstanceIdentity): Record<string, string> {
  return {
    SHOAL_HOME: who.home,
    SHOAL_APP_NAME: app.name,
    SHOAL_NAMESPACE: app.namespace,
    SHOAL_PROCESS_ID: String(who.id),
    SHOAL_INSTANCE_ID: String(who.instance),
    SHOAL_EXEC_MODE: app.exec_mode,
    SHOAL_KILL_TIMEOUT_MS: String(app.kill_timeout),
    SHOAL_HANG_TIMEOUT_MS: String(app.hang_timeout),
    SHOAL_BALANCER: app.balancer,
    SHOAL_HANG_REPORT_PREFIX: hangReportPrefix(app, who),
    [app.instance_var]: String(who.instance),
    ...runtimeVariables(app, who.home),
  };
}

/**
 * Where a hung process's diagnostic report goes, next to its logs: <dir>/<app>-<instance>-hang, to
 * which the process adds "-<pid>.json" (worker/hang-watchdog-thread.ts); see hangReportPath.
 */
export function hangReportPrefix(app: AppConfig, who: InstanceIdentity): string {
  const log =
    logPath(app, who.home, 'err', who.instance) ?? appFiles(who.home, app.name).defaultLog('err', '');
  return join(dirname(log), `${appFileName(app.name)}-${who.instance}-hang`);
}

export function hangReportPath(prefix: string, pid: number): string {
  return `${prefix}-${pid}.json`;
}

/** The layered env: the CLI's environment (unless filter_env), then the app's env, then SHOAL_* variables. */
export function instanceEnv(
  app: AppConfig,
  cliEnv: Record<string, string>,
  who: InstanceIdentity,
): Record<string, string> {
  const base = app.filter_env ? {} : cliEnv;
  return { ...base, ...app.env, ...shoalVariables(app, who) };
}

export function launchSpec(
  app: AppConfig,
  cliEnv: Record<string, string>,
  who: InstanceIdentity,
): LaunchSpec {
  const env = instanceEnv(app, cliEnv, who);
  if (app.interpreter === 'none') {
    return { command: app.script, args: [...app.args], env, cwd: app.cwd, isNode: false };
  }
  if (app.interpreter === 'node' || app.interpreter === process.execPath) {
    return {
      command: process.execPath,
      args: [...nodeExecArgs(app), app.script, ...app.args],
      env,
      cwd: app.cwd,
      isNode: true,
    };
  }
  const isNode = /(^|\/)node(\d+)?$/.test(app.interpreter);
  const pre = isNode ? nodeExecArgs(app) : [...app.interpreter_args];
  return { command: app.interpreter, args: [...pre, app.script, ...app.args], env, cwd: app.cwd, isNode };
}
