// Loaded into every test file's process by scripts/run-tests.js (--import): a process warning (an
// EventEmitter leak, a deprecation, an unhandled-rejection warning, ...) fails the test that was running
// when it was emitted, and one emitted outside any test fails the file. The daemon and primaries a test
// starts are checked by createHome's cleanup instead (test/helpers/shoal.ts).
import { afterEach } from 'node:test';
import { warningCollectors } from '../helpers/node-warnings.js';

/** The test tooling's own: node:test's mock timers are experimental in Node 20 and say so once. */
const expected = (w: Error) =>
  w.name === 'ExperimentalWarning' && w.message.startsWith('The MockTimers API is an experimental feature');

const pending: Error[] = [];
process.on('warning', (w) => {
  if (expected(w)) return;
  // A test that causes warnings on purpose collects them (collectWarnings) and checks them itself.
  const collectors = warningCollectors();
  if (collectors.size > 0) for (const collect of collectors) collect(w);
  else pending.push(w);
});

/** Each warning with the frames that emitted it: the place to fix. */
function describeWarnings(warnings: Error[]): string {
  return warnings
    .map((w) => {
      const frames = (w.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l));
      return [`  ${w.name}: ${w.message}`, ...frames.slice(0, 6).map((f) => `    ${f.trim()}`)].join('\n');
    })
    .join('\n');
}

// A root-level hook runs after every test of the file, nested ones included.
afterEach(async () => {
  // process.emitWarning delivers on a later tick: let a warning from the test's last step arrive.
  await new Promise((r) => setImmediate(r));
  if (pending.length === 0) return;
  const found = pending.splice(0);
  const err = new Error(`process warning(s) during this test:\n${describeWarnings(found)}`);
  err.stack = err.message;
  throw err;
});

process.on('exit', () => {
  if (pending.length === 0) return;
  process.stderr.write(`process warning(s) outside any test of this file:\n${describeWarnings(pending)}\n`);
  process.exitCode = 1;
});
