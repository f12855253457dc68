// Finds executables the way a shell does: a name is looked up on PATH, a path is taken as is.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
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

/** An executable named like a shell would take it: a path (relative to cwd) when it has a slash, else PATH. */
export function findExecutable(word: string, cwd: string): string | null {
  if (!word.includes('/')) return which(word);
  const path = resolve(cwd, word);
  return isExecutableFile(path) ? path : null;
}
