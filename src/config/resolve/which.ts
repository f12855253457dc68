// Finds executables the way a shell (or an npm script) does: a name is looked up in the project's
// node_modules/.bin and on PATH, a path is taken as is.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { TurnCache } from './turn-cache.js';

export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

const directories = new TurnCache<boolean>();
const executables = new TurnCache<string | null>();

export function isDirectory(path: string): boolean {
  return directories.get(path, () => {
    try {
      return statSync(path).isDirectory();
    } catch {
      return false;
    }
  });
}

export function isExecutableFile(path: string): boolean {
  if (!isFile(path)) return false;
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Absolute path of `command` on PATH, or null. Names containing a slash are not looked up. */
export function which(command: string, path = process.env.PATH ?? ''): string | null {
  if (command.includes('/')) return null;
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(isAbsolute(dir) ? dir : resolve(dir), command);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

/**
 * An executable named like a shell would take it: a path (relative to cwd) when it has a slash; else, as
 * npm scripts do, the project's own node_modules/.bin (from cwd up), then PATH.
 */
export function findExecutable(word: string, cwd: string): string | null {
  return executables.get(`${cwd}\0${word}\0${process.env.PATH ?? ''}`, () => {
    if (!word.includes('/')) return localBin(word, cwd) ?? which(word);
    const path = resolve(cwd, word);
    return isExecutableFile(path) ? path : null;
  });
}

/** `command` in node_modules/.bin of cwd or of a directory above it, or null. */
export function localBin(command: string, cwd: string): string | null {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', '.bin', command);
    if (isExecutableFile(candidate)) return candidate;
    if (dirname(dir) === dir) return null;
  }
}
