// What `shoal start` was given, decided before the daemon is reached (bad input starts nothing): a
// process file (the argument, or with none the ecosystem file of the current directory), a JSON process
// file on stdin ("-"), or a script, command or known app.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  DEFAULT_PROCESS_FILES,
  isProcessFile,
  isUnloadableProcessFile,
} from '../../config/process-file-name.js';
import { ShoalError } from '../../errors.js';

export type StartTarget =
  | { kind: 'file'; path: string }
  | { kind: 'stdin'; text: string }
  | { kind: 'script'; target: string };

export function startTarget(target: string | undefined, cwd = process.cwd()): StartTarget {
  if (target === undefined) {
    const found = DEFAULT_PROCESS_FILES.find((name) => existsSync(join(cwd, name)));
    if (!found) {
      throw new ShoalError(
        'SHOAL_ERR_CONFIG_NOT_FOUND',
        `"shoal start" without an argument starts the process file of the current directory, and ${cwd} has none (looked for ${DEFAULT_PROCESS_FILES.join(', ')}). Name a script or a file, or write a starter file with "shoal init".`,
        { file: cwd },
      );
    }
    return { kind: 'file', path: join(cwd, found) };
  }
  if (target === '-') {
    if (process.stdin.isTTY) {
      throw new ShoalError(
        'SHOAL_ERR_USAGE',
        '"shoal start -" reads a JSON process file from stdin; pipe one in (cat apps.json | shoal start -).',
      );
    }
    return { kind: 'stdin', text: readFileSync(0, 'utf8') };
  }
  if (isUnloadableProcessFile(target)) {
    throw new ShoalError(
      'SHOAL_ERR_CONFIG_LOAD',
      `${target}: unsupported process file type; use .json, .json5, .yaml, .yml, .js, .cjs, .mjs, .ts, .mts or .cts (a script with such a name would be taken for a process file: rename it)`,
      { file: resolve(cwd, target) },
    );
  }
  return isProcessFile(target) ? { kind: 'file', path: resolve(cwd, target) } : { kind: 'script', target };
}
