// Commands about the daemon itself: ping and kill.
import type { Command } from 'commander';
import { printJson } from '../output.js';
import { DaemonClient } from '../daemon-client.js';
import { paths, withClient } from '../session.js';
import { waitForExit } from '../../supervision/process-tree.js';

/**
 * `shoal update`: replaces the running daemon with the installed version. Cluster apps keep serving
 * (their primaries outlive the daemon and the new one takes them over); fork-mode apps are children of
 * the daemon itself, so they are stopped gracefully and started again by the new daemon.
 */
async function update(client: DaemonClient): Promise<number> {
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
    process.stdout.write(
      `Daemon replaced: pid ${oldPid} (shoal ${oldVersion}) -> pid ${fresh.daemonPid} (shoal ${fresh.daemonVersion})\n`,
    );
    for (const name of res.kept) {
      const was = before.filter((p) => p.name === name).map((p) => p.pid);
      const now = after.filter((p) => p.name === name).map((p) => p.pid);
      const same = was.length === now.length && was.every((pid) => now.includes(pid));
      process.stdout.write(
        `  ${name}: ${same ? 'kept serving, no worker restarted' : 'taken over; some workers changed'} (${now.length} worker(s))\n`,
      );
    }
    for (const name of res.stopped)
      process.stdout.write(`  ${name}: fork mode, restarted by the new daemon\n`);
  } finally {
    fresh.close();
  }
  return 0;
}

export function registerDaemonCommands(program: Command): void {
  program
    .command('update')
    .description('replace the running daemon with the installed version; cluster apps keep serving')
    .action(async () =>
      withClient(update, {
        autoStart: false,
        whenNoDaemon: () => {
          process.stdout.write('No daemon is running; the next command starts the installed version.\n');
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
    .action(async () =>
      withClient(
        async (client) => {
          const res = await client.request('kill', {});
          process.stdout.write(`Stopped ${res.stopped} process(es) and the daemon\n`);
          return 0;
        },
        {
          autoStart: false,
          whenNoDaemon: () => {
            process.stdout.write('No daemon is running.\n');
            return 0;
          },
        },
      ),
    );
}
