// The `shoal` command: a dispatcher over one module per command group. Commands parse and print only;
// everything else is the daemon's job, reached through daemon-client.ts.
import { Command } from 'commander';
import { packageVersion } from '../protocol/version.js';
import { registerConfigCommand } from './commands/config.js';
import { registerDaemonControlCommands } from './commands/daemon-control.js';
import { registerExportCommand } from './commands/export.js';
import { registerInspectCommands } from './commands/inspect.js';
import { registerLogCommands } from './commands/logs.js';
import { registerMonitorCommands } from './commands/monitor.js';
import { registerPersistenceCommands } from './commands/persistence.js';
import { registerProcessCommands } from './commands/process.js';
import { registerRunCommand } from './commands/run.js';
import { registerSignalEnvCommands } from './commands/signals-env.js';
import { registerStartupCommands } from './commands/startup.js';
import { reportError } from './output.js';
import { cliState } from './session.js';

const program = new Command();
program
  .name('shoal')
  .description('Production process manager for Node.js')
  .version(packageVersion(), '-v, --version')
  .option('--verbose', 'print stacks and error details')
  .showHelpAfterError()
  .hook('preAction', (cmd) => {
    cliState.verbose = cmd.opts().verbose === true;
  });

registerProcessCommands(program);
registerInspectCommands(program);
registerLogCommands(program);
registerMonitorCommands(program);
registerDaemonControlCommands(program);
registerRunCommand(program);
registerExportCommand(program);
registerPersistenceCommands(program);
registerStartupCommands(program);
registerSignalEnvCommands(program);
registerConfigCommand(program);

// Errors thrown while the arguments are parsed (a bad signal name) come before the preAction hook.
program.parseAsync(process.argv).catch((err: unknown) => {
  process.exit(reportError(err, cliState.verbose || program.opts().verbose === true));
});
