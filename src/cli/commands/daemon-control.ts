// The daemon itself: ping (is it there, starting it if needed), kill (stop everything), update (replace
// it with the installed version), and daemon --foreground / --stop, which init systems run.
import { ExitCodes } from '../../exit-codes.js';
import { RESURRECT_ON_START_ENV } from '../../protocol/daemon-start.js';
import type { Command } from 'commander';
import { ShoalError } from '../../errors.js';
import { waitForExit } from '../../supervision/process-tree.js';
import { DaemonClient } from '../daemon-client.js';
import { importModule } from '../import-module.js';
import { updateSummary } from '../format/update-summary.js';
import { note, printJson } from '../output.js';
import { paths, withClient } from '../session.js';

/** The daemon's entry, run in this process by `shoal daemon --foreground` (see daemon-launch.ts for the background way). */
const DAEMON_ENTRY = new URL('../../daemon/main.js', import.meta.url).href;

/**
 * `shoal update`: replaces the running daemon with the installed version. Cluster apps keep serving
 * (their primaries outlive the daemon and the new one takes them over); fork-mode apps are children of
 * the daemon itself, so they are stopped gracefully and started again by the new daemon, with the same
 * ids and restart counts; stopped ones stay stopped.
 */
async function update(client: DaemonClient, json: boolean): Promise<number> {
  const before = (await client.request('list', {})).processes;
  const oldPid = client.daemonPid;
  const oldVersion = client.daemonVersion;
  const res = await client.request('handover', {});
  client.close();
  await waitForExit(oldPid, 30_000);
  // systemd starts the successor (RestartForceExitStatus); wait for it before starting one ourselves.
  if (res.supervised) await DaemonClient.waitUntilServing(paths(), 20_000);
  const fresh = await DaemonClient.connect(paths(), { autoStart: true });
  try {
    const after = (await fresh.request('list', {})).processes;
    const of = (list: typeof before, name: string) => list.filter((p) => p.name === name);
    if (json) {
      printJson({
        old: { pid: oldPid, version: oldVersion },
        new: { pid: fresh.daemonPid, version: fresh.daemonVersion },
        kept: res.kept.map((name) => ({
          name,
          summary: updateSummary(name, true, of(before, name), of(after, name)),
        })),
        restarted: res.stopped,
      });
      return 0;
    }
    process.stdout.write(
      `Daemon replaced: pid ${oldPid} (shoal ${oldVersion}) -> pid ${fresh.daemonPid} (shoal ${fresh.daemonVersion})\n`,
    );
    for (const name of res.kept)
      process.stdout.write(`  ${updateSummary(name, true, of(before, name), of(after, name))}\n`);
    for (const name of res.stopped)
      process.stdout.write(`  ${updateSummary(name, false, of(before, name), of(after, name))}\n`);
  } finally {
    fresh.close();
  }
  return 0;
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

export function registerDaemonControlCommands(program: Command): void {
  program
    .command('update')
    .description('replace the running daemon with the installed version; cluster apps keep serving')
    .option('--json', 'print as JSON')
    .action(async (flags: { json?: boolean }) =>
      withClient((client) => update(client, flags.json === true), {
        autoStart: false,
        whenNoDaemon: () => {
          if (flags.json) printJson({ old: null, new: null, kept: [], restarted: [] });
          note('No daemon is running; the next command starts the installed version.');
          return 0;
        },
      }),
    );

  program
    .command('ping')
    .description('check that the daemon answers (starting it if needed)')
    .option('--json', 'print as JSON')
    .action(async (flags: { json?: boolean }) =>
      withClient(async (client) => {
        const res = await client.request('ping', {});
        if (flags.json) printJson({ ...res, version: client.daemonVersion });
        else process.stdout.write(`pong (daemon pid ${res.pid}, version ${client.daemonVersion})\n`);
        return 0;
      }),
    );

  program
    .command('kill')
    .description('stop every app, then the daemon')
    .option('--json', 'print {stopped, daemon_pid} as JSON')
    .action(async (flags: { json?: boolean }) =>
      withClient(
        async (client) => {
          const res = await client.request('kill', {});
          if (flags.json) printJson({ stopped: res.stopped, daemon_pid: client.daemonPid });
          else process.stdout.write(`Stopped ${res.stopped} process(es) and the daemon\n`);
          return 0;
        },
        {
          autoStart: false,
          whenNoDaemon: () => {
            if (flags.json) printJson({ stopped: 0, daemon_pid: null });
            note('No daemon is running.');
            return 0;
          },
        },
      ),
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
        process.exit(ExitCodes.ALREADY_RUNNING);
      }
      if (flags.resurrect) process.env[RESURRECT_ON_START_ENV] = '1';
      // The daemon module starts itself on import; this process becomes the daemon.
      await importModule(DAEMON_ENTRY);
    });
}
