// `shoal run`: the container entrypoint (PM2's pm2-runtime). The process file (or script) is loaded and
// checked here, then this process becomes the daemon, in the foreground, with the apps handed over in
// one validated variable (protocol/run-spec.ts). Nothing is left running in the background: when this
// process ends, so has every app.
import type { Command } from 'commander';
import { ShoalError } from '../../errors.js';
import { ExitCodes } from '../../exit-codes.js';
import { RUN_SPEC_ENV, type RunSpec } from '../../protocol/run-spec.js';
import { DaemonClient } from '../daemon-client.js';
import { importModule } from '../import-module.js';
import { paths } from '../session.js';
import { appsToStart, cliEnv } from './process.js';
import { startTarget } from './start-target.js';
import { addStartFlags, type StartCommandFlags } from './start-flags.js';

const DAEMON_ENTRY = new URL('../../daemon/main.js', import.meta.url).href;

interface RunFlags extends StartCommandFlags {
  jsonLogs?: boolean;
  healthPort?: string;
  healthHost: string;
}

function healthPort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new ShoalError(
      'SHOAL_ERR_CONFIG_INVALID',
      `--health-port must be a port number from 0 to 65535, got "${value}".`,
      { key: 'health-port' },
    );
  }
  return port;
}

export function registerRunCommand(program: Command): void {
  const run = program
    .command('run')
    .description(
      'run apps in the foreground as a container entrypoint: logs to stdout/stderr, graceful stop on SIGTERM, orphans reaped as PID 1',
    )
    .argument('<target>', 'script, command or process file (ecosystem.config.js, .json, .yaml)')
    .argument('[args...]', 'arguments passed to the script (put them after --)');
  addStartFlags(run, ['json', 'wait', 'hints'])
    .option('--json-logs', 'write log lines as JSON objects, one per line')
    .option('--health-port <port>', 'answer GET /healthz and /readyz on this port')
    .option('--health-host <host>', 'address of the health probes (0.0.0.0 for a kubelet)', '127.0.0.1')
    .action(async (target: string, args: string[], flags: RunFlags, cmd: Command) => {
      const health =
        flags.healthPort === undefined
          ? null
          : { host: flags.healthHost, port: healthPort(flags.healthPort) };
      const loaded = await appsToStart(startTarget(target), args, flags, cmd);
      // One log file per instance, so each echoed line can say which instance wrote it.
      const apps = loaded.map((a) => ({ ...a, merge_logs: false }));
      const running = await DaemonClient.connect(paths(), { autoStart: false }).catch(() => null);
      if (running) {
        running.close();
        process.stderr.write(
          `shoal: a daemon already serves ${paths().root} (pid ${running.daemonPid}); "shoal run" needs a SHOAL_HOME of its own.\n`,
        );
        process.exit(ExitCodes.ALREADY_RUNNING);
      }
      const spec: RunSpec = { apps, cli_env: cliEnv(), json_logs: flags.jsonLogs === true, health };
      process.env[RUN_SPEC_ENV] = JSON.stringify(spec);
      // The daemon module starts itself on import; this process becomes the daemon.
      await importModule(DAEMON_ENTRY);
    });
}
