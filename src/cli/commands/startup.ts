// Starting Shoal at boot: startup prints (or with --install writes and enables) the init script for
// systemd, launchd or OpenRC, unstartup removes it. Without root, both print the sudo command to run.
// See docs/persistence.md.
import type { Command } from 'commander';
import { packageVersion } from '../../protocol/version.js';
import { printJson, warn } from '../output.js';
import { paths, run } from '../session.js';
import { initSystemFrom } from '../startup/init-system.js';
import { initScriptFor, installInitScript, isRoot, removeInitScript } from '../startup/init-script.js';
import { shQuote } from '../startup/openrc-script.js';
import { type StartupTarget, startupTarget } from '../startup/startup-target.js';

/** The command a non-root user pastes to install (or remove) the init script as root. */
function sudoHint(t: StartupTarget, system: string, action: 'startup' | 'unstartup'): string {
  const words = [t.node, t.bin, action, system, '--user', t.user, '--service-name', t.serviceName];
  if (action === 'startup') words.push('--install');
  const word = (w: string) => (/^[\w/.:=@%+-]+$/.test(w) ? w : shQuote(w));
  return `sudo env SHOAL_HOME=${word(t.home)} ${words.map(word).join(' ')}`;
}

interface StartupFlags {
  install?: boolean;
  json?: boolean;
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

export function registerStartupCommands(program: Command): void {
  program
    .command('startup')
    .description(
      'print the init script (systemd, launchd, openrc) that starts Shoal at boot; --install writes it',
    )
    .argument('[platform]', 'systemd, launchd or openrc (default: detected)')
    .option('--install', 'write and enable the script (needs root for systemd and openrc)')
    .option('-u, --user <name>', 'user the daemon runs as (default: you)')
    .option('--service-name <name>', 'unit / service name (default: shoal-<user>)')
    .option('--json', 'print {platform, path, content, installed, run_as_root} as JSON')
    .action(async (platform: string | undefined, flags: StartupFlags) =>
      run(async () => {
        const system = initSystemFrom(platform);
        const t = target(flags);
        const script = initScriptFor(system, t);
        const sudo = script.needsRoot && !isRoot() ? sudoHint(t, system, 'startup') : null;
        if (flags.json) {
          const installed = flags.install === true && sudo === null;
          if (installed) installInitScript(script);
          printJson({
            platform: system,
            path: script.path,
            content: script.content,
            installed,
            run_as_root: sudo,
          });
          return 0;
        }
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
    .option('--json', 'print {platform, path, removed, run_as_root} as JSON')
    .action(async (platform: string | undefined, flags: StartupFlags) =>
      run(async () => {
        const system = initSystemFrom(platform);
        const t = target(flags);
        const script = initScriptFor(system, t);
        if (flags.json) {
          const sudo = script.needsRoot && !isRoot() ? sudoHint(t, system, 'unstartup') : null;
          const removed = sudo === null && removeInitScript(script, warn);
          printJson({ platform: system, path: script.path, removed, run_as_root: sudo });
          return 0;
        }
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
