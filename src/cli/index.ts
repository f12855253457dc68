// The `shoal` command: a dispatcher over one module per command group. Commands parse and print only;
// everything else is the daemon's job, reached through daemon-client.ts.
import { Command } from 'commander';
import { packageVersion } from '../protocol/version.js';
import { registerConfigCommand } from './commands/config.js';
import { registerDaemonControlCommands } from './commands/daemon-control.js';
import { registerExportCommand } from './commands/export.js';
import { registerInspectCommands } from './commands/inspect.js';
import { registerLogCommands } from './commands/logs.js';
import { registerLookupCommands } from './commands/lookup.js';
import { registerMonitorCommands } from './commands/monitor.js';
import { registerPersistenceCommands } from './commands/persistence.js';
import { registerProcessCommands } from './commands/process.js';
import { registerRunCommand } from './commands/run.js';
import { registerScaffoldCommands } from './commands/scaffold.js';
import { registerSignalEnvCommands } from './commands/signals-env.js';
import { registerStartupCommands } from './commands/startup.js';
import { colors, reportError, silence } from './output.js';
import { cliState } from './session.js';
import { installUsageErrors } from './usage-errors.js';

const program = new Command();
program
  .name('shoal')
  .description('Production process manager for Node.js')
  .version(packageVersion(), '-v, --version')
  .option('--verbose', 'print stacks and error details')
  .option('--no-color', 'no colours in the output (also: NO_COLOR=1)')
  .option('-s, --silent', 'print nothing but errors')
  .hook('preAction', (cmd) => {
    const opts = cmd.opts();
    cliState.verbose = opts.verbose === true;
    if (opts.color === false) colors.enabled = false;
    if (opts.silent === true) silence();
  });

registerProcessCommands(program);
registerInspectCommands(program);
registerLookupCommands(program);
registerLogCommands(program);
registerMonitorCommands(program);
registerDaemonControlCommands(program);
registerRunCommand(program);
registerExportCommand(program);
registerPersistenceCommands(program);
registerStartupCommands(program);
registerSignalEnvCommands(program);
registerConfigCommand(program);
registerScaffoldCommands(program);
installUsageErrors(program);

// Errors thrown while the arguments are parsed (a bad signal name) come before the preAction hook.
program.parseAsync(process.argv).catch((err: unknown) => {
  process.exit(reportError(err, cliState.verbose || program.opts().verbose === true));
});
