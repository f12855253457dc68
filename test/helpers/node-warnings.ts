// Finds the warnings Node printed in the output of the processes a test started: the daemon's stderr
// goes to SHOAL_HOME/shoal.log, each cluster primary's to SHOAL_HOME/run/<app>.primary.log. createHome's
// cleanup fails the test with every line found, so a listener leak in the daemon cannot pass unseen.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Node's format for a warning on stderr: "(node:1234) Warning: ...", "(node:1234) MaxListenersExceededWarning: ...",
 * "(node:1234) [DEP0040] DeprecationWarning: ...".
 */
const WARNING_LINE = /\(node:\d+\) (?:\[[^\]\s]+\] )?(?:[A-Z][A-Za-z]*)?Warning: /;

/** The lines of text that are Node warnings, with their 1-based line numbers. */
export function warningLines(text: string): Array<{ line: number; text: string }> {
  return text
    .split('\n')
    .map((t, i) => ({ line: i + 1, text: t }))
    .filter((l) => WARNING_LINE.test(l.text));
}

/** The log files of a home where Shoal's own processes write their stderr, relative to the home. */
export function processLogsOf(home: string): string[] {
  let run: string[] = [];
  try {
    run = readdirSync(join(home, 'run'))
      .filter((f) => f.endsWith('.primary.log'))
      .sort();
  } catch {
    // no cluster app ran: no run directory
  }
  return ['shoal.log', ...run.map((f) => join('run', f))];
}

/** Every Node warning in the home's daemon and primary logs, as "file:line: text". */
export function warningsInHome(home: string): string[] {
  return processLogsOf(home).flatMap((file) => {
    let text: string;
    try {
      text = readFileSync(join(home, file), 'utf8');
    } catch {
      return [];
    }
    return warningLines(text).map((l) => `${file}:${l.line}: ${l.text}`);
  });
}

type WarningCollector = (warning: Error) => void;
const COLLECTORS = Symbol.for('shoal.test.warning-collectors');

/** The collectors of warnings a test expects; test/setup/fail-on-warning.ts hands them every warning. */
export function warningCollectors(): Set<WarningCollector> {
  const g = globalThis as { [COLLECTORS]?: Set<WarningCollector> };
  g[COLLECTORS] ??= new Set();
  return g[COLLECTORS];
}

/**
 * Runs fn and returns the process warnings emitted meanwhile, for a test that causes them on purpose:
 * collected warnings are the test's to check and do not fail it.
 */
export async function collectWarnings(fn: () => unknown): Promise<Error[]> {
  const collected: Error[] = [];
  const collect: WarningCollector = (w) => collected.push(w);
  warningCollectors().add(collect);
  try {
    await fn();
    // process.emitWarning delivers on a later tick.
    await new Promise((r) => setImmediate(r));
  } finally {
    warningCollectors().delete(collect);
  }
  return collected;
}
