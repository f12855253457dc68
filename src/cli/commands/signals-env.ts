// Reaching into running processes: sendSignal (signal) delivers a signal by name, env prints a
// process's environment with secret-looking values redacted.
import { constants } from 'node:os';
import type { Command } from 'commander';
import { ShoalError } from '../../errors.js';
import { redactEnv } from '../format/redact.js';
import { printJson } from '../output.js';
import { withClient } from '../session.js';

/**
 * "usr2", "USR2" and "SIGUSR2" all mean SIGUSR2; anything this OS does not know is refused. Used as the
 * argument's parser, so a bad name fails before the daemon is reached (or started).
 */
export function signalName(input: string): NodeJS.Signals {
  const upper = input.trim().toUpperCase();
  const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  if (!Object.hasOwn(constants.signals, name)) {
    throw new ShoalError(
      'SHOAL_ERR_SIGNAL_INVALID',
      `Unknown signal "${input}": expected a name such as SIGUSR2, USR2 or SIGHUP ("kill -l" lists them).`,
      { signal: input },
    );
  }
  return name as NodeJS.Signals;
}

export function registerSignalEnvCommands(program: Command): void {
  program
    .command('sendSignal')
    .alias('signal')
    .description('send a signal to the processes of an app, a process id, a namespace or all')
    .argument('<signal>', 'signal name: SIGUSR2, USR2, SIGHUP, ...', signalName)
    .argument('<target>', 'name, id, namespace or "all"')
    .option('--json', 'print as JSON')
    .action(async (name: NodeJS.Signals, targetName: string, flags: { json?: boolean }) =>
      withClient(async (client) => {
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
    .description('print the environment a process really has as KEY=value, secrets redacted')
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
          if (p.source === 'config')
            process.stdout.write(
              `# ${p.name} (id ${p.id}): not read from a running process (stopped, or no /proc here): the environment it starts with\n`,
            );
          for (const key of Object.keys(p.env).sort())
            process.stdout.write(`${key}=${(p.env[key] ?? '').replace(/\r?\n/g, '\\n')}\n`);
        }
        return 0;
      }),
    );
}
