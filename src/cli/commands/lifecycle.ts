// Commands about an installation's life across reboots and about single processes: save, resurrect,
// startup, unstartup, daemon --foreground, sendSignal (signal) and env. See docs/persistence.md.
import { constants } from 'node:os';
import type { Command } from 'commander';
import { ShoalError } from '../../errors.js';
import { packageVersion } from '../../protocol/version.js';
import { DaemonClient } from '../daemon-client.js';
import { processTable } from '../format/process-list.js';
import { redactEnv } from '../format/redact.js';
import { printJson, warn } from '../output.js';
import { initSystemFrom } from '../startup/init-system.js';
import { initScriptFor, installInitScript, isRoot, removeInitScript } from '../startup/init-script.js';
import { shQuote } from '../startup/openrc-script.js';
import { type StartupTarget, startupTarget } from '../startup/startup-target.js';
import { paths, run, withClient } from '../session.js';
import { waitForExit } from '../../supervision/process-tree.js';

/** The daemon's entry, run in this process by `shoal daemon --foreground` (see daemon-launch.ts for the background way). */
const DAEMON_ENTRY = new URL('../../daemon/main.js', import.meta.url).href;
/** Read (and removed) by the daemon's boot-resurrect feature. */
const RESURRECT_ON_START_ENV = 'SHOAL_RESURRECT_ON_START';

/** "usr2", "USR2" and "SIGUSR2" all mean SIGUSR2; anything this OS does not know is refused. */
export function signalName(input: string): NodeJS.Signals {
  const upper = input.trim().toUpperCase();
  const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  if (!Object.hasOwn(constants.signals, name)) {
    throw new ShoalError(
      'SHOAL_ERR_CONFIG_INVALID',
      `Unknown signal "${input}": expected a name such as SIGUSR2, USR2 or SIGHUP.`,
      { key: 'signal' },
    );
  }
  return name as NodeJS.Signals;
}

/** The command a non-root user pastes to install (or remove) the init script as root. */
function sudoHint(t: StartupTarget, system: string, action: 'startup' | 'unstartup'): string {
  const words = [t.node, t.bin, action, system, '--user', t.user, '--service-name', t.serviceName];
  if (action === 'startup') words.push('--install');
  const word = (w: string) => (/^[\w/.:=@%+-]+$/.test(w) ? w : shQuote(w));
  return `sudo env SHOAL_HOME=${word(t.home)} ${words.map(word).join(' ')}`;
}

interface StartupFlags {
  install?: boolean;
  user?: string;
  serviceName?: string;
}

function target(flags: StartupFlags): StartupTarget {
  return startupTarget({
    user: flags.user,
    home: paths().root,
    serviceName: flags.serviceName,
    shoalVersion: packageVersion(),
  });
}

function registerStartup(program: Command): void {
  program
    .command('startup')
    .description(
      'print the init script (systemd, launchd, openrc) that starts Shoal at boot; --install writes it',
    )
    .argument('[platform]', 'systemd, launchd or openrc (default: detected)')
    .option('--install', 'write and enable the script (needs root for systemd and openrc)')
    .option('-u, --user <name>', 'user the daemon runs as (default: you)')
    .option('--service-name <name>', 'unit / service name (default: shoal-<user>)')
    .action(async (platform: string | undefined, flags: StartupFlags) =>
      run(async () => {
        const system = initSystemFrom(platform);
        const t = target(flags);
        const script = initScriptFor(system, t);
        if (!flags.install) {
          process.stdout.write(script.content);
          process.stderr.write(
            `\n# ${system} script for ${t.user}, to be written to ${script.path}.\n# Install it with: ${
              script.needsRoot && !isRoot()
                ? sudoHint(t, system, 'startup')
                : `shoal startup ${system} --install`
            }\n`,
          );
          return 0;
        }
        if (script.needsRoot && !isRoot()) {
          process.stdout.write(script.content);
          process.stderr.write(
            `\nWriting ${script.path} needs root. Run:\n\n  ${sudoHint(t, system, 'startup')}\n\n`,
          );
          return 0;
        }
        installInitScript(script);
        process.stdout.write(
          [
            `Installed ${script.path} and enabled it: at boot, Shoal starts as ${t.user} and resurrects the apps of the last "shoal save".`,
            'Run "shoal save" now (and again after changing your apps): resurrect starts what was saved, nothing else.',
            'The daemon running now, if any, is not managed by the init system; to hand over now, run "shoal save", "shoal kill", then start the service.',
            '',
          ].join('\n'),
        );
        return 0;
      }),
    );

  program
    .command('unstartup')
    .description('disable and remove the init script written by "shoal startup"')
    .argument('[platform]', 'systemd, launchd or openrc (default: detected)')
    .option('-u, --user <name>', 'user the daemon runs as (default: you)')
    .option('--service-name <name>', 'unit / service name (default: shoal-<user>)')
    .action(async (platform: string | undefined, flags: StartupFlags) =>
      run(async () => {
        const system = initSystemFrom(platform);
        const t = target(flags);
        const script = initScriptFor(system, t);
        if (script.needsRoot && !isRoot()) {
          process.stderr.write(
            `Removing ${script.path} needs root. Run:\n\n  ${sudoHint(t, system, 'unstartup')}\n\n`,
          );
          return 0;
        }
        if (!removeInitScript(script, warn))
          process.stdout.write(`No ${system} script at ${script.path}; nothing to remove.\n`);
        else
          process.stdout.write(
            `Removed ${script.path}; Shoal no longer starts at boot. Apps running now keep running.\n`,
          );
        return 0;
      }),
    );
}

function registerPersistence(program: Command): void {
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
    .command('resurrect')
    .description('start the saved apps that are not running (from dump.json, or its .bak if damaged)')
    .option('--json', 'print as JSON')
    .action(async (flags: { json?: boolean }) =>
      withClient(async (client) => {
        const res = await client.request('resurrect', {});
        if (flags.json) printJson(res);
        else {
          for (const m of res.messages) process.stdout.write(`${m}\n`);
          process.stdout.write(`${processTable(res.processes)}\n`);
        }
        return 0;
      }),
    );

  program
    .command('daemon')
    .description("for init systems: run the daemon in this process, or stop the service's daemon")
    .option('--foreground', 'run the daemon in this process (what "shoal startup" writes as ExecStart)')
    .option('--resurrect', 'with --foreground: once up, start the apps of the last "shoal save"')
    .option('--stop', 'stop the daemon whose pid is $MAINPID and its apps (what systemd runs as ExecStop)')
    .action(async (flags: { foreground?: boolean; resurrect?: boolean; stop?: boolean }) => {
      if (flags.stop) return stopServiceDaemon();
      if (!flags.foreground) {
        throw new ShoalError(
          'SHOAL_ERR_UNSUPPORTED',
          '"shoal daemon" needs --foreground (or --stop); any other command starts a background daemon when needed.',
        );
      }
      const running = await DaemonClient.connect(paths(), { autoStart: false }).catch(() => null);
      if (running) {
        running.close();
        process.stderr.write(
          `shoal: a daemon already serves ${paths().root} (pid ${running.daemonPid}); stop it with "shoal kill" first.\n`,
        );
        process.exit(3);
      }
      if (flags.resurrect) process.env[RESURRECT_ON_START_ENV] = '1';
      // The daemon module starts itself on import; this process becomes the daemon.
      await import(DAEMON_ENTRY);
    });
}

/**
 * systemd runs ExecStop also after the main process has exited on its own (a crash, or `shoal update`
 * handing over to a daemon started outside the unit). A plain `shoal kill` would then stop whichever
 * daemon answers, apps included. So only the daemon systemd knows as this service's main process
 * ($MAINPID, unset once it has exited) is stopped, and the command waits until it is gone.
 */
async function stopServiceDaemon(): Promise<never> {
  const mainPid = Number(process.env.MAINPID ?? '');
  if (!Number.isInteger(mainPid) || mainPid <= 0) {
    process.stdout.write("MAINPID is not set: the service's daemon has already exited; nothing to stop.\n");
    process.exit(0);
  }
  return withClient(
    async (client) => {
      if (client.daemonPid !== mainPid) {
        process.stdout.write(
          `The daemon serving ${paths().root} (pid ${client.daemonPid}) is not this service's (pid ${mainPid}); left running.\n`,
        );
        return 0;
      }
      const res = await client.request('kill', {});
      process.stdout.write(
        `Stopped ${res.stopped} process(es); waiting for the daemon (pid ${mainPid}) to exit\n`,
      );
      await waitForExit(mainPid, 30_000, 50);
      return 0;
    },
    {
      autoStart: false,
      whenNoDaemon: () => {
        process.stdout.write('No daemon is running; nothing to stop.\n');
        return 0;
      },
    },
  );
}

function registerProcessControl(program: Command): void {
  program
    .command('sendSignal')
    .alias('signal')
    .description('send a signal to the processes of an app, a process id, a namespace or all')
    .argument('<signal>', 'signal name: SIGUSR2, USR2, SIGHUP, ...')
    .argument('<target>', 'name, id, namespace or "all"')
    .option('--json', 'print as JSON')
    .action(async (signal: string, targetName: string, flags: { json?: boolean }) =>
      withClient(async (client) => {
        const name = signalName(signal);
        const res = await client.request('signal', { target: targetName, signal: name });
        if (flags.json) printJson(res.processes);
        else
          for (const p of res.processes)
            process.stdout.write(
              `Sent ${name} to ${p.name} (id ${p.id}, pid ${p.pid ?? 'none: not running'})\n`,
            );
        return 0;
      }),
    );

  program
    .command('env')
    .description("print a process's environment as KEY=value, secrets redacted")
    .argument('<target>', 'process id, name, namespace or "all"')
    .option('--json', 'print as JSON')
    .action(async (targetName: string, flags: { json?: boolean }) =>
      withClient(async (client) => {
        const res = await client.request('env', { target: targetName });
        const processes = res.processes.map((p) => ({ ...p, env: redactEnv(p.env) }));
        if (flags.json) {
          printJson(processes);
          return 0;
        }
        for (const p of processes) {
          if (processes.length > 1) process.stdout.write(`# ${p.name} (id ${p.id})\n`);
          for (const key of Object.keys(p.env).sort())
            process.stdout.write(`${key}=${(p.env[key] ?? '').replace(/\r?\n/g, '\\n')}\n`);
        }
        return 0;
      }),
    );
}

export function registerLifecycleCommands(program: Command): void {
  registerPersistence(program);
  registerStartup(program);
  registerProcessControl(program);
}
