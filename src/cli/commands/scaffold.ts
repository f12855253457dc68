// Commands that write files for the user to edit or source: init (alias ecosystem), a starter process
// file; completion, the shell completion script for bash or zsh.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ShoalError } from '../../errors.js';
import { completionScript } from '../scaffold/completion-script.js';
import { STARTER_PROCESS_FILE } from '../scaffold/starter-process-file.js';
import { printJson } from '../output.js';
import { run } from '../session.js';

/** ecosystem.config.js, or .cjs where the nearest package.json says "type": "module" (.js would be ESM there). */
function starterName(dir: string): string {
  for (let d = dir; ; d = dirname(d)) {
    const pkg = join(d, 'package.json');
    if (existsSync(pkg)) {
      try {
        const type = (JSON.parse(readFileSync(pkg, 'utf8')) as { type?: unknown }).type;
        return type === 'module' ? 'ecosystem.config.cjs' : 'ecosystem.config.js';
      } catch {
        return 'ecosystem.config.js';
      }
    }
    if (dirname(d) === d) return 'ecosystem.config.js';
  }
}

export function registerScaffoldCommands(program: Command): void {
  program
    .command('init')
    .alias('ecosystem')
    .description('write a commented starter process file (ecosystem.config.js) in this directory')
    .option('--path <file>', 'where to write it (default: ./ecosystem.config.js, .cjs in an ESM package)')
    .option('-f, --force', 'replace a file that is already there')
    .option('--json', 'print {file} as JSON')
    .action(async (flags: { path?: string; force?: boolean; json?: boolean }) =>
      run(async () => {
        const file = resolve(flags.path ?? starterName(process.cwd()));
        if (existsSync(file) && !flags.force) {
          throw new ShoalError(
            'SHOAL_ERR_FILE_EXISTS',
            `${file} already exists; edit it, or run "shoal init --force" to replace it.`,
            { file },
          );
        }
        writeFileSync(file, STARTER_PROCESS_FILE, { mode: 0o644 });
        if (flags.json) printJson({ file });
        else process.stdout.write(`Wrote ${file}; edit it, then run "shoal start".\n`);
        return 0;
      }),
    );

  program
    .command('completion')
    .description('print the shell completion script: eval "$(shoal completion bash)" (or zsh)')
    .argument('[shell]', 'bash or zsh (default: from $SHELL)')
    .action(async (shell: string | undefined) =>
      run(async () => {
        const wanted = shell ?? (process.env.SHELL?.endsWith('zsh') ? 'zsh' : 'bash');
        if (wanted !== 'bash' && wanted !== 'zsh') {
          throw new ShoalError(
            'SHOAL_ERR_UNSUPPORTED',
            `No completion for "${wanted}": Shoal writes completion scripts for bash and zsh.`,
            { shell: wanted },
          );
        }
        process.stdout.write(completionScript(program, wanted));
        return 0;
      }),
    );
}
