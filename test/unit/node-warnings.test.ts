// The scan createHome's cleanup runs over a home's daemon and primary logs: it must find every form of
// warning Node prints, say where, and leave Shoal's own log lines alone.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from '../helpers/node-test.js';
import { collectWarnings, processLogsOf, warningLines, warningsInHome } from '../helpers/node-warnings.js';

const DAEMON_LOG = [
  '2025-01-01T10:00:00.000Z daemon.started {"pid":1234,"version":"0.1.0"}',
  '(node:1234) MaxListenersExceededWarning: Possible EventEmitter memory leak detected. 11 exit listeners added to [process]. MaxListeners is 10. Use emitter.setMaxListeners() to increase limit',
  '(Use `node --trace-warnings ...` to show where the warning was created)',
  '2025-01-01T10:00:01.000Z process.transition {"app":"web","from":"launching","to":"online"}',
  '(node:1234) [DEP0040] DeprecationWarning: The `punycode` module is deprecated.',
  '(node:1234) Warning: Closing file descriptor 21 on garbage collection',
  '(node:1234) UnhandledPromiseRejectionWarning: Error: boom',
  // Shoal's own words about a process file, and an app's text that mentions warnings: not Node's.
  '2025-01-01T10:00:02.000Z config.warning {"key":"uid","message":"Warning: uid is not supported"}',
  'node warning: (node) not a warning line',
  '',
].join('\n');

describe('Node warnings in the logs of a home', () => {
  it('finds every form Node prints, with its line number', () => {
    assert.deepEqual(
      warningLines(DAEMON_LOG).map((l) => l.line),
      [2, 5, 6, 7],
    );
    assert.match(warningLines(DAEMON_LOG)[0]!.text, /^\(node:1234\) MaxListenersExceededWarning: /);
  });

  it('finds nothing in a clean log', () => {
    const clean = DAEMON_LOG.split('\n')
      .filter((l) => !l.startsWith('(node:'))
      .join('\n');
    assert.deepEqual(warningLines(clean), []);
    assert.deepEqual(warningLines(''), []);
  });

  it("reads the daemon's log and every primary's, and names file and line", (t) => {
    const home = mkdtempSync(join(tmpdir(), 'shoal-warnings-'));
    t.after(() => rmSync(home, { recursive: true, force: true }));
    writeFileSync(join(home, 'shoal.log'), DAEMON_LOG);
    mkdirSync(join(home, 'run'));
    writeFileSync(
      join(home, 'run', 'web.primary.log'),
      'primary.started {}\n(node:99) ExperimentalWarning: something experimental\n',
    );
    writeFileSync(join(home, 'run', 'api.primary.log'), 'primary.started {}\n');
    // Not a process log: an app's own output is not scanned here.
    writeFileSync(join(home, 'run', 'notes.txt'), '(node:5) Warning: not ours\n');

    assert.deepEqual(processLogsOf(home), ['shoal.log', 'run/api.primary.log', 'run/web.primary.log']);
    const found = warningsInHome(home);
    assert.equal(found.length, 5, found.join('\n'));
    assert.equal(found[0], `shoal.log:2: ${DAEMON_LOG.split('\n')[1]}`);
    assert.equal(found[4], 'run/web.primary.log:2: (node:99) ExperimentalWarning: something experimental');
  });

  it('is quiet for a home where no daemon ever ran', (t) => {
    const home = mkdtempSync(join(tmpdir(), 'shoal-warnings-'));
    t.after(() => rmSync(home, { recursive: true, force: true }));
    assert.deepEqual(warningsInHome(home), []);
  });
});

describe('warnings a test causes on purpose', () => {
  // Under the runner this test would fail if the warning reached test/setup/fail-on-warning.ts.
  it('are handed to the test that collects them, not counted against it', async () => {
    const warnings = await collectWarnings(() => process.emitWarning('expected by this test', 'TestWarning'));
    assert.deepEqual(
      warnings.map((w) => [w.name, w.message]),
      [['TestWarning', 'expected by this test']],
    );
  });
});
