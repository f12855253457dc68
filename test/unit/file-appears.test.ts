// The daemon wakes when a new primary's socket file is created instead of waiting out a poll interval.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from '../helpers/node-test.js';
import { watchForFile } from '../../src/daemon/cluster/file-appears.js';

// A fallback far past the test's own timeout: the wait can only end in time through the watch event.
const NEVER_MS = 600_000;

describe('watchForFile', () => {
  it('wakes when the file is created, and ignores other files in the folder', {
    timeout: 20_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shoal-file-appears-'));
    const target = join(dir, 'app.sock');
    const w = watchForFile(target);
    try {
      let woken = false;
      const waiting = w.next(NEVER_MS).then(() => {
        woken = true;
      });
      writeFileSync(join(dir, 'other.log'), 'x');
      await new Promise((r) => setImmediate(r));
      assert.equal(woken, false);
      writeFileSync(target, 'x');
      await waiting;
      assert.equal(woken, true);
    } finally {
      w.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('returns at once when the file appeared before the wait began', { timeout: 20_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shoal-file-appears-'));
    const target = join(dir, 'app.sock');
    const w = watchForFile(target);
    try {
      writeFileSync(target, 'x');
      // The event arrives on a later turn of the loop; the first wait may see it late or early.
      await w.next(NEVER_MS);
    } finally {
      w.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
