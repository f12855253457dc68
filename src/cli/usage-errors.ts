// How the CLI answers a command line it cannot run: one line each. A PM2 verb Shoal does not have says
// so and what to use instead (never a guess at a similar-looking command: "reset" is not "delete"); an
// unknown command or a bad flag names the help to read instead of printing all of it.
import type { Command } from 'commander';

/** PM2 verbs Shoal leaves out, with why and what to do instead. */
export const PM2_VERBS_NOT_AVAILABLE: Readonly<Record<string, string>> = {
  deploy: 'ship code with your CI or pm2-deploy, then apply it with "shoal reload <process file>"',
  install: 'PM2 modules are not supported; run the tool as an app of its own',
  uninstall: 'PM2 modules are not supported',
  'module:install': 'PM2 modules are not supported; run the tool as an app of its own',
  'module:uninstall': 'PM2 modules are not supported',
  'module:update': 'PM2 modules are not supported',
  'module:generate': 'PM2 modules are not supported',
  publish: 'PM2 modules are not supported',
  'module:publish': 'PM2 modules are not supported',
  link: 'there is no hosted monitoring; scrape /metrics (see "shoal dashboard")',
  unlink: 'there is no hosted monitoring',
  plus: 'there is no hosted monitoring; "shoal dashboard" is the local one',
  open: 'there is no hosted monitoring; "shoal dashboard" prints the local one',
  report: 'use "shoal describe <app>" and SHOAL_HOME/shoal.log',
  serve: 'start a static file server as an app, such as shoal start "npx serve dist"',
  expose: 'start a static file server as an app, such as shoal start "npx serve dist"',
  trigger: 'there are no custom actions; use "shoal sendSignal <signal> <app>"',
  inspect: 'start the app with --node-args=--inspect and attach your debugger',
  attach: "an app's stdin is not connected; use its logs (shoal logs <app>)",
  send: "an app's stdin is not connected",
  pull: 'Shoal does not manage git checkouts; pull, then "shoal reload <app>"',
  forward: 'Shoal does not manage git checkouts',
  backward: 'Shoal does not manage git checkouts',
  updatePM2: 'use "shoal update"',
  gracefulReload: 'use "shoal reload <app>" (it is graceful)',
  'profile:cpu': 'start the app with --node-args=--cpu-prof',
  'profile:mem': 'start the app with --node-args=--heap-prof',
  conf: 'Shoal is configured with SHOAL_* environment variables (see docs/daemon.md)',
  config: 'Shoal is configured with SHOAL_* environment variables',
  set: 'Shoal is configured with SHOAL_* environment variables (see docs/daemon.md)',
  get: 'Shoal is configured with SHOAL_* environment variables (see docs/daemon.md)',
  multiset: 'Shoal is configured with SHOAL_* environment variables (see docs/daemon.md)',
  unset: 'Shoal is configured with SHOAL_* environment variables (see docs/daemon.md)',
  imonit: 'use "shoal monit"',
  examples: 'see the README and docs/cli.md',
  logrotate: 'PM2 modules are not supported; rotate with logrotate(8) and its copytruncate option',
};

const USAGE = 'SHOAL_ERR_USAGE';

function unknownCommand(word: string, program: Command): string {
  // `config` is a Shoal command too (validate a file): the table's entry is only for PM2's `config <key>`.
  if (Object.hasOwn(PM2_VERBS_NOT_AVAILABLE, word) && !program.commands.some((c) => c.name() === word))
    return `shoal ${word} is not available; ${PM2_VERBS_NOT_AVAILABLE[word]} [${USAGE}]`;
  return `shoal: unknown command "${word}"; "shoal --help" lists the commands [${USAGE}]`;
}

/** commander's "error: unknown option '--x'\n(Did you mean --y?)" as one line that names the help. */
function oneLine(text: string, cmd: Command): string {
  const what = text
    .replace(/^error: /, '')
    .trim()
    .replace(/\s*\n\s*/g, ' ');
  const name = cmd.parent ? `shoal ${cmd.name()}` : 'shoal';
  return `${name}: ${what}; see "${name} --help" [${USAGE}]\n`;
}

/** Installs the one-line answers on the program and every command; call after all are registered. */
export function installUsageErrors(program: Command): void {
  for (const cmd of [program, ...program.commands]) {
    cmd.showHelpAfterError(false);
    cmd.configureOutput({ outputError: (text, write) => write(oneLine(text, cmd)) });
  }
  program.on('command:*', (operands: string[]) => {
    process.stderr.write(`${unknownCommand(operands[0] ?? '', program)}\n`);
    process.exit(1);
  });
}
