// `shoal start <script> [flags]`: the flags become a PM2-style app entry, normalized by the same rules as a file.
import type { AppConfig } from '../protocol/app-config.js';
import type { CliStartOptions, LoadedConfig } from './types.js';
import { normalizeApps } from './normalize-app.js';
import { CLI_SOURCE, Problems } from './problems.js';

export function appFromCli(
  script: string,
  opts: CliStartOptions,
  cwdOfCli: string = process.cwd(),
): LoadedConfig {
  const problems = new Problems(CLI_SOURCE);
  const ctx = { baseCwd: cwdOfCli, sourceFile: null, envName: opts.envName ?? null };
  const apps: AppConfig[] = normalizeApps([cliEntry(script, opts)], ctx, problems);
  problems.throwIfAny();
  return { file: '', apps, warnings: problems.warnings };
}

/** The flags under their process-file names; flags not given are left out so the defaults apply. */
function cliEntry(script: string, o: CliStartOptions): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    script,
    name: o.name,
    interpreter: o.interpreter,
    interpreter_args: o.interpreterArgs,
    args: o.args,
    cwd: o.cwd,
    instances: o.instances,
    exec_mode: o.execMode,
    env: o.env,
    watch: o.watch,
    max_memory_restart: o.maxMemoryRestart,
    kill_timeout: o.killTimeout,
    restart_delay: o.restartDelay,
    max_restarts: o.maxRestarts,
    min_uptime: o.minUptime,
    autorestart: o.autorestart,
    wait_ready: o.waitReady,
    listen_timeout: o.listenTimeout,
    time: o.time,
    log_date_format: o.logDateFormat,
    out_file: o.output,
    error_file: o.error,
    merge_logs: o.mergeLogs,
    namespace: o.namespace,
    cron_restart: o.cron,
    stop_exit_codes: o.stopExitCodes,
    exp_backoff_restart_delay: o.expBackoffRestartDelay,
    treekill: o.noTreekill === undefined ? undefined : !o.noTreekill,
    shutdown_with_message: o.shutdownWithMessage,
  };
  return Object.fromEntries(Object.entries(entry).filter(([, v]) => v !== undefined));
}
