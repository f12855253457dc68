// Commands about the daemon itself: ping and kill.
import type { Command } from 'commander';
import { printJson } from '../output.js';
import { withClient } from '../session.js';

export function registerDaemonCommands(program: Command): void {
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
