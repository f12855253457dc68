// Log settings: the process-file keys and their pm2-logrotate aliases, the daemon-wide defaults, and
// the pure parts of the writer (where a batch is cut, rotated names and retention).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from '../helpers/node-test.js';
import { appFromCli } from '../../src/config/index.js';
import { isShoalError } from '../../src/errors.js';
import { logDefaultsFrom } from '../../src/daemon/log-defaults.js';
import { BUILT_IN_LOG_ROTATION, resolveRotation } from '../../src/protocol/log-rotation.js';
import { countLines, fitBatch, LogQueue } from '../../src/supervision/log-queue.js';
import { pruneRotated, rotatedFiles, rotatedPath } from '../../src/supervision/rotated-files.js';

const dir = mkdtempSync(join(tmpdir(), 'shoal-log-settings-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const script = join(dir, 'app.js');
writeFileSync(script, '');

const entry = (keys: Record<string, unknown>) => appFromCli({ script, ...keys }, { cwd: dir }).apps[0]!;

describe('log keys', () => {
  test('sizes, counts, intervals and the json type are read in PM2 forms', () => {
    const app = entry({
      log_max_size: '2M',
      log_retain: 'all',
      log_compress: true,
      log_rotate_interval: 'daily',
      log_type: 'json',
    });
    assert.equal(app.log_max_size, 2 * 1024 * 1024);
    assert.equal(app.log_retain, 0);
    assert.equal(app.log_compress, true);
    assert.equal(app.log_rotate_interval, 'daily');
    assert.equal(app.log_type, 'json');
  });

  test("pm2-logrotate's names are aliases", () => {
    const app = entry({ max_size: '10M', retain: 7, compress: true, rotateInterval: '0 */6 * * *' });
    assert.equal(app.log_max_size, 10 * 1024 * 1024);
    assert.equal(app.log_retain, 7);
    assert.equal(app.log_compress, true);
    assert.equal(app.log_rotate_interval, '0 */6 * * *');
  });

  test('a bad value is an error naming the key', () => {
    for (const [key, value] of [
      ['log_max_size', 'lots'],
      ['log_rotate_interval', 'weekly-ish'],
      ['log_type', 'xml'],
      ['log_retain', -1],
    ] as const) {
      try {
        entry({ [key]: value });
        assert.fail(`${key}: ${value} was accepted`);
      } catch (err) {
        assert.ok(isShoalError(err), String(err));
        assert.equal(err.code, 'SHOAL_ERR_CONFIG_INVALID');
        assert.match(err.message, new RegExp(key));
      }
    }
  });

  test("unset keys take the daemon's defaults; the app's own win", () => {
    const app = entry({ log_retain: 3 });
    const r = resolveRotation(app, { ...BUILT_IN_LOG_ROTATION, max_size: 5, interval: '0 * * * *' });
    assert.deepEqual(r, { max_size: 5, retain: 3, compress: false, interval: '0 * * * *' });
    assert.equal(resolveRotation(entry({ log_rotate_interval: 'none' }), r).interval, null);
    assert.equal(resolveRotation(entry({ log_rotate_interval: 'hourly' }), r).interval, '0 * * * *');
  });

  test('the daemon-wide defaults come from its environment; a bad one is reported, not used', () => {
    const read = logDefaultsFrom({
      SHOAL_LOG_MAX_SIZE: '10M',
      SHOAL_LOG_RETAIN: '30',
      SHOAL_LOG_COMPRESS: 'yes',
      SHOAL_LOG_ROTATE_INTERVAL: 'daily',
    });
    assert.equal(read.rotation.max_size, 10 * 1024 * 1024);
    assert.equal(read.rotation.retain, 30);
    assert.equal(read.rotation.compress, false);
    assert.equal(read.rotation.interval, '0 0 * * *');
    assert.deepEqual(read.ignored, [{ name: 'SHOAL_LOG_COMPRESS', value: 'yes' }]);
    assert.ok(logDefaultsFrom({}).rotation.max_size > 0, 'a size limit by default');
  });
});

describe('the writer cuts at lines', () => {
  const buf = Buffer.from('aaaa\nbbbb\ncccc\n');
  test('whole lines that fit are written; none fitting rotates; a lone long line stays whole', () => {
    assert.equal(fitBatch(buf, 0, 0), buf.length);
    assert.equal(fitBatch(buf, 0, 12), 10);
    assert.equal(fitBatch(buf, 10, 12), 'rotate');
    assert.equal(fitBatch(buf, 0, 3), 5);
    assert.equal(fitBatch(Buffer.from('no newline'), 0, 3), 10);
  });

  test('a queue drops and counts per source, a half-written chunk losing its line', () => {
    const counts: number[] = [];
    const q = new LogQueue();
    const source = { readable: null, dropped: (n: number) => counts.push(n) };
    q.push(Buffer.from('a\nb\n'), source);
    q.push(Buffer.from('c\nd\ne\n'), source);
    q.consume(3);
    assert.equal(q.bytes, 7);
    assert.equal(q.dropAll('ENOSPC'), 4);
    assert.deepEqual(counts, [1, 3]);
    assert.ok(q.empty);
    assert.equal(countLines(Buffer.from('x\ny\n')), 2);
  });
});

describe('rotated files', () => {
  test('named like pm2-logrotate, unique within a second, kept up to retain', () => {
    const path = join(dir, 'api-out.log');
    const at = new Date(2026, 0, 31, 23, 59, 58);
    const made: string[] = [];
    for (let i = 0; i < 4; i++) {
      const p = rotatedPath(path, at);
      writeFileSync(p, `${i}\n`);
      made.push(p);
    }
    assert.match(made[0]!, /api-out__2026-01-31_23-59-58\.log$/);
    assert.match(made[3]!, /api-out__2026-01-31_23-59-58_3\.log$/);
    assert.deepEqual(
      rotatedFiles(path).map((f) => f.path),
      made,
    );
    pruneRotated(path, 2);
    assert.deepEqual(
      rotatedFiles(path).map((f) => f.path),
      made.slice(2),
    );
  });
});
