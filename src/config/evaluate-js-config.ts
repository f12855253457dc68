// Evaluates a JavaScript or TypeScript process file in a child process with a time limit (see
// js-config-child.ts), so that PM2-style code in a process file cannot end, hang or write to the CLI's
// output: the file's console.log lines go to stderr, and a file that calls process.exit, never settles
// or loops is reported as such. The result crosses as JSON, which is what a process file holds.
import { spawn } from 'node:child_process';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { typescriptLoader } from '../supervision/typescript-loader.js';

/** How long a process file may take to evaluate; SHOAL_CONFIG_TIMEOUT_MS changes it. */
export const DEFAULT_CONFIG_TIMEOUT_MS = 10_000;

const TS = new Set(['.ts', '.mts', '.cts']);
export const isTypeScriptConfig = (file: string) => TS.has(extname(file).toLowerCase());

/** What went wrong, for read-process-file.ts to turn into its coded error. */
export class ConfigEvaluationError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    /** The file did not fail; it ended, hung or never settled: no "error while evaluating" prefix. */
    readonly behaviour = false,
  ) {
    super(message);
  }
}

interface ChildError {
  type: 'error';
  name: string;
  message: string;
  stack: string;
  line: number | null;
}
type ChildMessage = { type: 'result'; json: string } | ChildError | { type: 'exit-called'; code: unknown };

function childEntry(): { entry: string; ts: boolean } {
  const self = fileURLToPath(import.meta.url);
  const ext = extname(self);
  // Under the test runner this module is TypeScript itself, and so is its child entry.
  return { entry: join(dirname(self), `js-config-child${ext}`), ts: ext === '.ts' };
}

function timeoutMs(): number {
  const n = Number(process.env.SHOAL_CONFIG_TIMEOUT_MS);
  return Number.isFinite(n) && n > 0 ? n : DEFAULT_CONFIG_TIMEOUT_MS;
}

/** Rebuilds the child's error with its name, stack and line, so messages name the file's line as before. */
function rebuilt(e: ChildError): Error {
  const err = e.name === 'SyntaxError' ? new SyntaxError(e.message) : new Error(e.message);
  err.name = e.name;
  err.stack = e.stack;
  if (e.line !== null) Object.assign(err, { line: e.line });
  return err;
}

export function evaluateJsConfig(file: string): Promise<unknown> {
  const { entry, ts } = childEntry();
  const loader = ts || isTypeScriptConfig(file) ? ['--import', typescriptLoader()] : [];
  const limit = timeoutMs();
  return new Promise((resolve, reject) => {
    // stdout of the file goes to our stderr: the CLI's stdout is for its result only (--json).
    const child = spawn(process.execPath, [...loader, entry, file], {
      stdio: ['ignore', 2, 'inherit', 'ipc'],
    });
    let exitCalled: unknown;
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(() =>
        reject(
          new ConfigEvaluationError(
            `did not finish evaluating within ${limit} ms (an endless loop, or a promise or timer that keeps it waiting); a process file must export its apps right away`,
            undefined,
            true,
          ),
        ),
      );
    }, limit);
    child.on('message', (m: ChildMessage) => {
      if (m.type === 'exit-called') exitCalled = m.code;
      else if (m.type === 'result') finish(() => resolve(JSON.parse(m.json)));
      else if (m.type === 'error') finish(() => reject(rebuilt(m)));
    });
    child.on('error', (err) => finish(() => reject(err)));
    child.on('exit', (code, signal) => {
      finish(() => {
        if (exitCalled !== undefined)
          return reject(
            new ConfigEvaluationError(
              `called process.exit(${String(exitCalled)}) while being evaluated; a process file must export its apps, not end the process`,
              undefined,
              true,
            ),
          );
        // 13: Node's exit code for a top-level await that can never settle.
        const why =
          code === 13
            ? 'never settled: it awaits a promise that nothing resolves'
            : `ended before exporting its apps (exit code ${code ?? signal})`;
        reject(new ConfigEvaluationError(why, undefined, true));
      });
    });
  });
}
