// `shoal start <script> [flags]`: the CLI turns its flags into a PM2-style app entry (cli/commands/start-flags.ts);
// here it is normalized and validated by the same rules as an app of a process file.
import type { AppConfig } from '../protocol/app-config.js';
import type { CliLoadOptions, LoadedConfig } from './types.js';
import { normalizeApps } from './normalize-app.js';
import { cliSource, Problems } from './problems.js';

export function appFromCli(entry: Record<string, unknown>, opts: CliLoadOptions = {}): LoadedConfig {
  const problems = new Problems(cliSource(opts.flagOf));
  const ctx = { baseCwd: opts.cwd ?? process.cwd(), sourceFile: null, envName: opts.envName ?? null };
  const apps: AppConfig[] = normalizeApps([entry], ctx, problems);
  problems.throwIfAny();
  return { file: '', apps, warnings: problems.warnings };
}
