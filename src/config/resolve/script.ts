// Turns `script` into what to run: a file (relative to the app's cwd), or, as PM2 allows, a command:
// a bare name found on PATH ("sleep") or a command line ("python3 worker.py") split without a shell.
import { basename, extname, resolve } from 'node:path';
import { splitCommandLine } from './command-line.js';
import { findExecutable, isDirectory, isFile } from './which.js';

export type ResolvedScript =
  | { kind: 'file'; path: string }
  /** `argsBefore` are the words after the executable in a command line; they go before `args`. */
  | { kind: 'command'; path: string; argsBefore: string[] }
  | { kind: 'missing'; reason: string };

export function resolveScript(script: string, cwd: string): ResolvedScript {
  const path = resolve(cwd, script);
  if (isFile(path)) return { kind: 'file', path };
  if (isDirectory(path)) return { kind: 'missing', reason: `${path} is a directory` };

  if (/\s/.test(script.trim())) {
    let words: string[];
    try {
      words = splitCommandLine(script);
    } catch (err) {
      return { kind: 'missing', reason: `cannot split it as a command line: ${(err as Error).message}` };
    }
    const exe = words[0] === undefined ? null : findExecutable(words[0], cwd);
    if (exe) return { kind: 'command', path: exe, argsBefore: words.slice(1) };
    return { kind: 'missing', reason: `no file ${path} and no command "${words[0]}" on PATH` };
  }

  const exe = script.includes('/') ? null : findExecutable(script, cwd);
  if (exe) return { kind: 'command', path: exe, argsBefore: [] };
  return {
    kind: 'missing',
    reason: script.includes('/') ? `no file ${path}` : `no file ${path} and no command "${script}" on PATH`,
  };
}

/** PM2's default name: the script's file name without extension (for a command: the executable's). */
export function defaultName(scriptPath: string): string {
  const base = basename(scriptPath);
  const ext = extname(base);
  return ext && ext !== base ? base.slice(0, -ext.length) : base;
}
