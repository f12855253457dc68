// Picks the interpreter: by the script's extension when none is given (PM2's lib/API/interpreter.json, except
// TypeScript, which Shoal runs on Node with its own loader instead of bun), or resolves the given one on PATH.
import { extname, resolve } from 'node:path';
import { isNodeInterpreter, readScriptContent } from './script-content.js';
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

export interface PickedInterpreter {
  /** "node", "none" or a name or path (resolved by resolveNamed). */
  interpreter: string;
  /** Flags the script's shebang gives its interpreter. */
  args: string[];
}

/**
 * The interpreter a script gets when the app does not name one: by its extension when it has a known one
 * (PM2's table), else by its content: a binary runs directly, a shebang names its interpreter (Node's
 * own for "node", so the app gets Shoal's preload), any other text is taken for JavaScript.
 */
export function interpreterForFile(scriptPath: string): PickedInterpreter {
  const byExt = BY_EXTENSION[extname(scriptPath).toLowerCase()];
  if (byExt !== undefined) return { interpreter: byExt, args: [] };
  const content = readScriptContent(scriptPath);
  if (content.kind === 'binary') return { interpreter: 'none', args: [] };
  if (content.kind === 'text') return { interpreter: 'node', args: [] };
  if (isNodeInterpreter(content.interpreter)) return { interpreter: 'node', args: content.args };
  return { interpreter: content.interpreter, args: content.args };
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
