// What a script file is, decided by its first bytes rather than its name: npm's bin files have no
// extension, are executable and start with "#!/usr/bin/env node". A binary runs directly; a shebang
// names its interpreter; any other text is taken for JavaScript, as PM2 does.
import { closeSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { splitCommandLine } from './command-line.js';

export type ScriptContent =
  | { kind: 'binary' }
  /** interpreter: a name or path as the shebang gives it ("node", "/usr/bin/python3"); args: its flags. */
  | { kind: 'shebang'; interpreter: string; args: string[] }
  | { kind: 'text' };

const SNIFF_BYTES = 512;

export function readScriptContent(path: string): ScriptContent {
  let head: Buffer;
  try {
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.alloc(SNIFF_BYTES);
      head = buf.subarray(0, readSync(fd, buf, 0, SNIFF_BYTES, 0));
    } finally {
      closeSync(fd);
    }
  } catch {
    return { kind: 'text' };
  }
  return classify(head);
}

export function classify(head: Buffer): ScriptContent {
  if (head.subarray(0, 2).toString('latin1') === '#!') {
    const line = head.toString('utf8').split('\n')[0]!.slice(2).trim();
    return parseShebang(line) ?? { kind: 'text' };
  }
  // ELF, Mach-O and other executables hold NUL bytes early; text never does.
  return head.includes(0) ? { kind: 'binary' } : { kind: 'text' };
}

/** "/usr/bin/env node", "/usr/bin/env -S node --flag", "/usr/local/bin/node", "/bin/sh -e". */
function parseShebang(line: string): ScriptContent | null {
  let words: string[];
  try {
    words = splitCommandLine(line);
  } catch {
    words = line.split(/\s+/);
  }
  if (words.length === 0) return null;
  if (basename(words[0]!) === 'env') {
    words = words.slice(1);
    while (words[0]?.startsWith('-')) words = words.slice(1); // env's own options (-S, -i)
    // VAR=value assignments before the command are env's too.
    while (words[0]?.includes('=')) words = words.slice(1);
  }
  const [interpreter, ...args] = words;
  return interpreter ? { kind: 'shebang', interpreter, args } : null;
}

/** True for an interpreter that is Node itself ("node", "/usr/bin/node", "nodejs", "node20"). */
export function isNodeInterpreter(interpreter: string): boolean {
  return /^node(js)?(\d+)?$/.test(basename(interpreter));
}
