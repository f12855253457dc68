// Picks the interpreter: by the script's extension when none is given (PM2's lib/API/interpreter.json, except
// TypeScript, which Shoal runs on Node with its own loader instead of bun), or resolves the given one on PATH.
import { extname, resolve } from 'node:path';
import { isExecutableFile, which } from './which.js';

const BY_EXTENSION: Readonly<Record<string, string>> = {
  '.js': 'node',
  '.cjs': 'node',
  '.mjs': 'node',
  '.ts': 'node',
  '.mts': 'node',
  '.cts': 'node',
  '.tsx': 'node',
  '.py': 'python3',
  '.sh': 'bash',
  '.rb': 'ruby',
  '.php': 'php',
  '.pl': 'perl',
};

/** The interpreter a script file gets when the app does not name one (a name, resolved by resolveNamed). */
export function interpreterForFile(scriptPath: string): string {
  const byExt = BY_EXTENSION[extname(scriptPath).toLowerCase()];
  if (byExt !== undefined) return byExt;
  // No known extension: a binary or a script with a shebang runs directly; anything else is taken for JS.
  return isExecutableFile(scriptPath) ? 'none' : 'node';
}

/**
 * "node" (Shoal's own Node) and "none" stay as they are; a path is made absolute against the app's cwd;
 * a name is looked up on PATH. When it cannot be found it is kept as given and `found` is false.
 */
export function resolveNamed(interpreter: string, cwd: string): { path: string; found: boolean } {
  if (interpreter === 'node' || interpreter === 'none') return { path: interpreter, found: true };
  if (interpreter.includes('/')) {
    const path = resolve(cwd, interpreter);
    return { path, found: isExecutableFile(path) };
  }
  const path = which(interpreter);
  return path ? { path, found: true } : { path: interpreter, found: false };
}
