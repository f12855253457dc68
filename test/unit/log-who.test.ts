// The index of who wrote which lines of a merged log file: its records, the lookup by line end, and
// a real LogFile writing lines of two instances that the reader attributes back.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WhoIndex } from '../../src/cli/log-who-reader.js';
import { lastLinesAt } from '../../src/cli/log-tail.js';
import { LogFile } from '../../src/supervision/log-file.js';
import { currentRun, instanceAt, parseRecords, whoPath } from '../../src/supervision/log-who-format.js';
import { describe, it } from '../helpers/node-test.js';

const events = { writeFailed() {}, writeResumed() {}, rotated() {}, housekeepingFailed() {} };
const rotation = { max_size: 0, retain: 0, compress: false, interval: null };

describe('log attribution index', () => {
  it('finds the instance of a line by where it ends, within the records of the file as it is now', () => {
    const records = parseRecords('0 10 0\n10 25 1\ntorn 1\n25 40 0\n0 8 1\n8 20 0\n');
    const run = currentRun(records);
    assert.deepEqual(run, [
      { start: 0, end: 8, instance: 1 },
      { start: 8, end: 20, instance: 0 },
    ]);
    assert.equal(instanceAt(run, 8), 1);
    assert.equal(instanceAt(run, 9), 0);
    assert.equal(instanceAt(run, 20), 0);
    assert.equal(instanceAt(run, 21), null);
    assert.equal(instanceAt(currentRun(records.slice(0, 3)), 12), 1);
  });

  it('a LogFile shared by two instances records them, and the reader attributes every line', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'shoal-who-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'web-out.log');
    const file = new LogFile(path, rotation, events);
    file.retain();
    const src = (instance: number) => ({ readable: null, dropped() {}, instance });
    for (let i = 0; i < 300; i++)
      file.write(`worker ${i % 3 === 0 ? 1 : 0} line ${i}\n`, src(i % 3 === 0 ? 1 : 0));
    await file.idle();
    const check = (count: number) => {
      const index = new WhoIndex(path);
      const lines = lastLinesAt(path, count);
      assert.equal(lines.length, count);
      for (const l of lines) assert.equal(index.instanceAt(l.end), Number(l.text.split(' ')[1]), l.text);
    };
    check(300);
    // Emptied from outside (copytruncate) and written again: the newest records describe the file.
    truncateSync(path, 0);
    for (let i = 0; i < 30; i++) file.write(`worker ${i % 2} line ${i}\n`, src(i % 2));
    await file.idle();
    check(30);
    // flush starts the index over with the file.
    await file.truncate();
    assert.equal(readFileSync(whoPath(path), 'utf8'), '');
    file.write('worker 1 line x\n', src(1));
    await file.idle();
    check(1);
    await file.release();
  });

  it('writes no index for a file whose sources do not say who they are', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'shoal-who-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'one-out.log');
    const file = new LogFile(path, rotation, events);
    file.retain();
    file.write('hello\n', { readable: null, dropped() {} });
    await file.idle();
    await file.release();
    assert.throws(() => readFileSync(whoPath(path)), { code: 'ENOENT' });
  });
});
