// Who wrote each line of a merged log file: the attribution index's records and their lookup (the last
// monotonic run after a truncation), the queue's runs of one instance, and the writer kept by a real
// LogFile in a temporary directory (rotation and flush start it over, a broken index never stops logging).
import assert from 'node:assert/strict';
import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastNamedLines } from '../../src/cli/log-writers.js';
import { tailLines } from '../../src/cli/log-tail.js';
import type { LogFile as LogFileInfo } from '../../src/protocol/control-channel.js';
import {
  AttributionIndex,
  AttributionReader,
  attributionPath,
  fileIdOf,
  headerLine,
  recordLine,
} from '../../src/protocol/log-attribution.js';
import { BUILT_IN_LOG_ROTATION } from '../../src/protocol/log-rotation.js';
import { AttributionWriter } from '../../src/supervision/log-attribution-writer.js';
import { LogFile, type LogFileEvents } from '../../src/supervision/log-file.js';
import { LogQueue, type LogSource } from '../../src/supervision/log-queue.js';
import { after, describe, test } from '../helpers/node-test.js';

const dir = mkdtempSync(join(tmpdir(), 'shoal-log-attribution-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const source = (instance: number | null): LogSource => ({ readable: null, dropped: () => {}, instance });

function index(text: string): AttributionIndex {
  const ix = new AttributionIndex();
  ix.add(text);
  return ix;
}

describe('the attribution index', () => {
  test('records are `<endOffset> <instance>` lines after a header naming the file', () => {
    assert.equal(attributionPath('/var/log/api-out.log'), '/var/log/.api-out.log.who');
    assert.equal(fileIdOf({ dev: 2049, ino: 77 }), '2049:77');
    assert.equal(headerLine('2049:77'), 'shoal-who 1 2049:77\n');
    assert.equal(recordLine(120, 3), '120 3\n');
    assert.equal(recordLine(40, null), '40 -\n');
    const ix = index(`${headerLine('1:2')}10 -\n30 0\n45 1\n`);
    assert.equal(ix.fileId, '1:2');
    assert.equal(ix.covered, 45);
  });

  test('a line belongs to the record with the smallest end at or past its own end', () => {
    const ix = index(`${headerLine('1:2')}10 -\n30 0\n45 1\n60 0\n`);
    assert.equal(ix.instanceAt(5), null); // before Shoal opened the file: not known
    assert.equal(ix.instanceAt(10), null);
    assert.equal(ix.instanceAt(11), 0);
    assert.equal(ix.instanceAt(30), 0);
    assert.equal(ix.instanceAt(31), 1);
    assert.equal(ix.instanceAt(45), 1);
    assert.equal(ix.instanceAt(60), 0);
    assert.equal(ix.instanceAt(61), undefined); // not reached yet
  });

  test('after an offset goes down (the file was emptied) only the records since describe it', () => {
    const ix = index(`${headerLine('1:2')}100 0\n200 1\n300 0\n`);
    assert.equal(ix.instanceAt(150), 1);
    ix.add('40 1\n90 0\n');
    assert.equal(ix.instanceAt(20), 1);
    assert.equal(ix.instanceAt(41), 0);
    assert.equal(ix.instanceAt(150), undefined, 'the old records no longer apply');
    // ...and it grows again past where it was before the truncation
    ix.add('250 1\n400 0\n');
    assert.equal(ix.instanceAt(250), 1);
    assert.equal(ix.instanceAt(301), 0);
    assert.equal(ix.covered, 400);
  });

  test('a record cut by the read is kept for the next; a foreign header or junk is not used', () => {
    const ix = index(`${headerLine('1:2')}10 0\n2`);
    assert.equal(ix.covered, 10);
    ix.add('0 1\nnot a record\n');
    assert.equal(ix.instanceAt(20), 1);
    assert.equal(index('shoal-who 9 1:2\n10 0\n').fileId, null);
    const dropped = index(`${headerLine('1:2')}10 0\n20 1\n30 0\n`);
    dropped.dropBefore(25);
    assert.equal(dropped.instanceAt(25), 0);
  });

  test('the reader takes an index only for the file it names, and reads what was appended', () => {
    const log = join(dir, 'reader.log');
    writeFileSync(log, 'a\nb\n');
    const id = fileIdOf(statSync(log));
    writeFileSync(attributionPath(log), `${headerLine(id)}2 0\n`);
    const reader = new AttributionReader(log);
    assert.equal(reader.refresh('0:0', 2), false);
    assert.equal(reader.refresh(id, 2), true);
    assert.equal(reader.current.instanceAt(4), undefined);
    writeFileSync(attributionPath(log), '4 1\n', { flag: 'a' });
    assert.equal(reader.refresh(id, 4), true);
    assert.equal(reader.current.instanceAt(4), 1);
    // The log rotated: the path's index is now the new file's; the one held still names the old one's lines.
    renameSync(log, `${log}.1`);
    writeFileSync(log, 'c\n');
    const newId = fileIdOf(statSync(log));
    rmSync(attributionPath(log));
    assert.equal(reader.refresh(id, 4), true, 'no index at the path yet');
    writeFileSync(attributionPath(log), `${headerLine(newId)}2 2\n`);
    assert.equal(reader.refresh(id, 4), true);
    assert.equal(reader.current.instanceAt(4), 1);
    assert.equal(reader.refresh(newId, 2, true), true);
    assert.equal(reader.current.instanceAt(2), 2);
    reader.close();
  });

  test('after a flush, the lines read before it keep the old index, those after it wait for the new', () => {
    const log = join(dir, 'flushed.log');
    writeFileSync(log, 'aa\nbb\n');
    const id = fileIdOf(statSync(log));
    writeFileSync(attributionPath(log), `${headerLine(id)}3 0\n`);
    const reader = new AttributionReader(log);
    assert.equal(reader.refresh(id, 3), true);
    // The last line's record comes, then the flush empties the file and removes its index.
    writeFileSync(attributionPath(log), '6 1\n', { flag: 'a' });
    rmSync(attributionPath(log));
    writeFileSync(log, 'cc\n');
    assert.equal(reader.refresh(id, 6), true, 'a line read before the flush');
    assert.equal(reader.current.instanceAt(6), 1);
    assert.equal(reader.refresh(id, 3, true), false, 'lines after it: the old index must not name them');
    assert.equal(reader.current.instanceAt(3), undefined);
    writeFileSync(attributionPath(log), `${headerLine(id)}3 2\n`);
    assert.equal(reader.refresh(id, 3, true), true);
    assert.equal(reader.current.instanceAt(3), 2);
    assert.equal(reader.refresh(id, 3), true);
    assert.ok(reader.stable());
    reader.close();
  });
});

describe('runs of one instance', () => {
  test('the written bytes are split by instance, consecutive chunks of one instance merged', () => {
    const q = new LogQueue();
    q.push(Buffer.from('a0\n'), source(0));
    q.push(Buffer.from('b0\n'), source(0));
    q.push(Buffer.from('c1\n'), source(1));
    q.push(Buffer.from('d0\n'), source(0));
    assert.deepEqual(q.runs(12), [
      { end: 6, instance: 0 },
      { end: 9, instance: 1 },
      { end: 12, instance: 0 },
    ]);
    assert.deepEqual(q.runs(7), [
      { end: 6, instance: 0 },
      { end: 7, instance: 1 },
    ]);
    q.consume(4);
    assert.deepEqual(q.runs(2), [{ end: 2, instance: 0 }]);
  });
});

const events = (failures: string[] = []): LogFileEvents => ({
  writeFailed: () => {},
  writeResumed: () => {},
  rotated: () => {},
  housekeepingFailed: (_p, m) => failures.push(m),
});
const merged = (path: string): LogFileInfo => ({
  app: 'web',
  id: null,
  instance: null,
  stream: 'out',
  path,
  log_type: 'raw',
});
/** Every line is `i<instance> ...`: the writer a reader names must be the one in the text. */
const misnamed = async (path: string) =>
  (await lastNamedLines(merged(path), 10_000)).filter(
    (l) => l.text !== '' && `i${l.instance}` !== l.text.split(' ')[0],
  );

describe('the writer beside a log file', () => {
  test('several instances: every line is named; what was there before is not', async () => {
    const path = join(dir, 'two-out.log');
    writeFileSync(path, 'from an earlier run\n');
    const file = new LogFile(path, BUILT_IN_LOG_ROTATION, events());
    file.retain();
    file.retain();
    const s = [source(0), source(1), source(2)];
    for (let round = 0; round < 50; round++) {
      file.write(`i${round % 3} line ${round}\ni${round % 3} more ${round}\n`, s[round % 3]!);
      if (round % 7 === 0) await file.idle();
    }
    await file.idle();
    assert.deepEqual((await misnamed(path)).slice(1), []);
    assert.equal((await lastNamedLines(merged(path), 10_000))[0]!.instance, null);
    assert.equal((await lastNamedLines(merged(path), 10_000)).length, 101);
    await file.close();
    assert.ok(existsSync(attributionPath(path)), 'kept for reading a stopped app');
  });

  test('emptied from outside (copytruncate) and written again: the newest records name the lines', async () => {
    const path = join(dir, 'copytruncate-out.log');
    const file = new LogFile(path, BUILT_IN_LOG_ROTATION, events());
    file.retain();
    file.retain();
    for (let i = 0; i < 300; i++)
      file.write(`i${i % 3 === 0 ? 1 : 0} line ${i}\n`, source(i % 3 === 0 ? 1 : 0));
    await file.idle();
    assert.deepEqual(await misnamed(path), []);
    truncateSync(path, 0);
    for (let i = 0; i < 30; i++) file.write(`i${i % 2} line ${i}\n`, source(i % 2));
    await file.idle();
    assert.deepEqual(await misnamed(path), []);
    assert.equal((await lastNamedLines(merged(path), 100)).length, 30);
    await file.close();
  });

  test('sources that are no instance write no index', async () => {
    const path = join(dir, 'anon-out.log');
    const file = new LogFile(path, BUILT_IN_LOG_ROTATION, events());
    file.retain();
    file.write('hello\n', { readable: null, dropped: () => {} });
    await file.idle();
    await file.close();
    assert.equal(existsSync(attributionPath(path)), false);
  });

  test('one user that writes alone keeps no index; a second instance names the first one too', async () => {
    const path = join(dir, 'late-out.log');
    const file = new LogFile(path, BUILT_IN_LOG_ROTATION, events());
    file.retain();
    file.write('i0 alone\ni0 still alone\n', source(0));
    await file.idle();
    assert.equal(existsSync(attributionPath(path)), false);
    file.write('i1 joins\n', source(1));
    file.write('i0 again\n', source(0));
    await file.idle();
    assert.deepEqual(await misnamed(path), []);
    assert.equal((await lastNamedLines(merged(path), 10)).length, 4);
    await file.close();
  });

  test('rotation and flush start the index over; new lines are named', async () => {
    const path = join(dir, 'rot-out.log');
    const file = new LogFile(path, BUILT_IN_LOG_ROTATION, events());
    file.retain();
    file.retain();
    const write = async (tag: string) => {
      for (let i = 0; i < 6; i++) file.write(`i${i % 2} ${tag} ${i}\n`, source(i % 2));
      await file.idle();
    };
    await write('before');
    await file.rotateNow();
    assert.equal(existsSync(attributionPath(path)), false, 'the old index went with the old file');
    await write('after-rotation');
    assert.deepEqual(await misnamed(path), []);
    assert.equal((await lastNamedLines(merged(path), 100)).length, 6);
    await file.truncate();
    await write('after-flush');
    assert.deepEqual(await misnamed(path), []);
    assert.equal((await lastNamedLines(merged(path), 100)).length, 6);
    // reloadLogs with the file still in place: the index goes on
    await file.reopen();
    await write('after-reopen');
    assert.deepEqual(await misnamed(path), []);
    assert.equal((await lastNamedLines(merged(path), 100)).length, 12);
    // ...and after an outside tool moved it away, a new file gets a new index
    renameSync(path, `${path}.1`);
    await file.reopen();
    await write('after-move');
    assert.deepEqual(await misnamed(path), []);
    assert.equal((await lastNamedLines(merged(path), 100)).length, 6);
    await file.close();
  });

  test('an index that cannot be written stops naming, never the log writing', async () => {
    const path = join(dir, 'broken-out.log');
    mkdirSync(attributionPath(path)); // a directory in the index's place
    const failures: string[] = [];
    const file = new LogFile(path, BUILT_IN_LOG_ROTATION, events(failures));
    file.retain();
    file.retain();
    for (let i = 0; i < 20; i++) file.write(`i${i % 2} ${i}\n`, source(i % 2));
    await file.idle();
    for (let i = 0; i < 20; i++) file.write(`i${i % 2} later ${i}\n`, source(i % 2));
    await file.idle();
    await file.close();
    assert.equal(readFileSync(path, 'utf8').split('\n').filter(Boolean).length, 40);
    assert.equal(failures.length, 1, failures.join('\n'));
    assert.match(failures[0]!, /attribution index .* stopped/);
    assert.ok((await lastNamedLines(merged(path), 100)).every((l) => l.instance === null));
  });

  test('a long-lived index is rewritten to its last records; the lines before them are not named', async () => {
    const path = join(dir, 'long-out.log');
    const fd = openSync(path, 'a');
    const writer = new AttributionWriter(path, (m) => assert.fail(m), { maxBytes: 4096, keepBytes: 512 });
    writer.reset(fd);
    for (let i = 0; i < 2000; i++) {
      const text = `i${i % 2} ${i}\n`;
      writeSync(fd, text);
      writer.wrote(fd, text.length, [{ end: text.length, instance: i % 2 }], true);
    }
    writer.close();
    closeSync(fd);
    const size = statSync(attributionPath(path)).size;
    assert.ok(size <= 4096 + 16, `index is ${size} bytes`);
    const lines = await lastNamedLines(merged(path), 5000);
    assert.equal(lines.length, 2000);
    assert.deepEqual(
      await misnamed(path),
      lines.filter((l) => l.instance === null),
    );
    const named = lines.filter((l) => l.instance !== null).length;
    assert.ok(named >= 40 && named < 2000, `${named} lines named`);
    // the named ones are the last lines
    assert.ok(lines.slice(-named).every((l) => l.instance !== null));
    assert.equal(tailLines(path, 1).fileId, fileIdOf(fstatSync(openSync(path, 'r'))));
  });
});
