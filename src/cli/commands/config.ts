// `shoal config FILE`: load and validate a process file and print the normalized apps; starts nothing.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { redactConfig } from '../format/redact.js';
import { printJson, warn } from '../output.js';
import { run } from '../session.js';

export function registerConfigCommand(program: Command): void {
  program
    .command('config')
    .description('validate a process file and print the apps as Shoal will run them')
    .argument('<file>', 'ecosystem.config.js, .cjs, .mjs, .ts, .mts, .cts, .json, .yaml')
    .option('--env <name>', 'apply env_<name>')
    .option('--json', 'print JSON (the default)')
    .option('--show-secrets', 'do not redact secrets (env, args, URL credentials, auth.secret)')
    .action(async (file: string, flags: { env?: string; showSecrets?: boolean }) =>
      run(async () => {
        const { loadProcessFile } = await import('../../config/index.js');
        const loaded = await loadProcessFile(resolve(file), {
          envName: flags.env ?? null,
          cwd: process.cwd(),
        });
        for (const w of loaded.warnings) warn(w.message);
        const apps = flags.showSecrets ? loaded.apps : loaded.apps.map(redactConfig);
        printJson({ apps });
        return 0;
      }),
    );
}
