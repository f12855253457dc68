// Loads one process file into normalized, validated apps, or throws one error listing every problem.
import { dirname, resolve } from 'node:path';
import type { LoadedConfig, LoadOptions } from './types.js';
import { normalizeApps } from './normalize-app.js';
import { fileSource, Problems } from './problems.js';
import { parseJsonProcessFile, readProcessFile } from './read-process-file.js';
import { appEntries } from './top-level.js';

export async function loadProcessFile(file: string, opts: LoadOptions = {}): Promise<LoadedConfig> {
  const cliCwd = opts.cwd ?? process.cwd();
  const absolute = resolve(cliCwd, file);
  const source = fileSource(absolute, cliCwd);
  const content = await readProcessFile({ ...source, file: absolute });

  const problems = new Problems(source);
  const entries = appEntries(content, problems);
  const ctx = { baseCwd: dirname(absolute), sourceFile: absolute, envName: opts.envName ?? null };
  const apps = normalizeApps(entries, ctx, problems);
  problems.throwIfAny();
  return { file: absolute, apps, warnings: problems.warnings };
}

/**
 * `shoal start -`: a JSON process file read from stdin. Relative paths start from the CLI's cwd, and
 * messages name the source "stdin".
 */
export function loadProcessJson(text: string, opts: LoadOptions = {}): LoadedConfig {
  return loadProcessContent(parseJsonProcessFile(text, { file: null, label: 'stdin' }), 'stdin', opts);
}

/** A process file's content already in memory (stdin, the programmatic API), checked like a file's. */
export function loadProcessContent(content: unknown, label: string, opts: LoadOptions = {}): LoadedConfig {
  const cwd = opts.cwd ?? process.cwd();
  const source = { file: null, label };
  const problems = new Problems(source);
  const entries = appEntries(content, problems);
  const apps = normalizeApps(
    entries,
    { baseCwd: cwd, sourceFile: null, envName: opts.envName ?? null },
    problems,
  );
  problems.throwIfAny();
  return { file: '', apps, warnings: problems.warnings };
}
