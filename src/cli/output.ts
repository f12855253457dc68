// How the CLI reports: results on stdout, problems on stderr with the error's stable code, and an exit code.
import { isShoalError } from '../errors.js';

export const colors = {
  enabled: process.stdout.isTTY === true && !process.env.NO_COLOR,
};

const paint = (code: number) => (s: string) => (colors.enabled ? `\u001b[${code}m${s}\u001b[0m` : s);
export const red = paint(31);
export const green = paint(32);
export const yellow = paint(33);
export const dim = paint(2);

/** `--silent` (PM2's -s): stdout and notes go nowhere; errors still reach stderr through reportError. */
export function silence(): void {
  silent = true;
  process.stdout.write = (() => true) as typeof process.stdout.write;
}
let silent = false;

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * A note for the person at the terminal ("already running", what a command did besides its result).
 * Always on stderr, so that stdout holds only the result: one JSON document with --json.
 */
export function note(message: string): void {
  if (silent) return;
  process.stderr.write(`${message}\n`);
}

export function warn(message: string): void {
  process.stderr.write(`${yellow('warning')}: ${message}\n`);
}

export function reportError(err: unknown, verbose: boolean): number {
  if (isShoalError(err)) {
    process.stderr.write(`shoal: ${err.message} [${err.code}]\n`);
    if (verbose) process.stderr.write(`${err.stack ?? ''}\n${JSON.stringify(err.details, null, 2)}\n`);
    return 1;
  }
  const e = err as Error;
  process.stderr.write(`shoal: ${e?.message ?? String(err)}\n`);
  if (verbose && e?.stack) process.stderr.write(`${e.stack}\n`);
  return 1;
}
