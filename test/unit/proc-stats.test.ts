// CPU time and resident memory read from /proc/<pid>/stat: the three fields the sampler needs, found
// after the process name however odd the name, and this process's own figures from the real file.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from '../helpers/node-test.js';
import { parseProcStat, readProcSample } from '../../src/supervision/proc-stats.js';

/** A stat line as Linux writes it, with utime, stime and rss (in pages) where proc(5) puts them. */
function statLine(name: string, utime: number, stime: number, rssPages: number): string {
  const after = Array.from({ length: 50 }, (_, i) => String(i + 100));
  after[0] = 'S';
  after[11] = String(utime);
  after[12] = String(stime);
  after[21] = String(rssPages);
  return `4242 (${name}) ${after.join(' ')}\n`;
}

describe('proc stat parsing', () => {
  it('reads utime + stime as seconds and rss as bytes', () => {
    assert.deepEqual(parseProcStat(statLine('node', 250, 50, 1000)), { cpuSeconds: 3, rss: 4_096_000 });
  });

  it('finds the fields after a name with spaces and parentheses', () => {
    assert.deepEqual(parseProcStat(statLine('a) (b c) d', 7, 3, 2)), { cpuSeconds: 0.1, rss: 8192 });
  });

  it('refuses a line that is cut short', () => {
    assert.equal(parseProcStat('4242 (node) S 1 2 3'), null);
  });

  it('agrees with this process own stat file', {
    skip: process.platform !== 'linux' && 'reads /proc',
  }, () => {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    const sample = readProcSample(process.pid);
    assert.ok(sample, 'a sample of this process');
    // CPU time only grows between the two reads; the resident set is of the same order.
    assert.ok(sample.cpuSeconds >= (Number(fields[11]) + Number(fields[12])) / 100);
    assert.ok(sample.rss > 0 && Math.abs(sample.rss - Number(fields[21]) * 4096) < 64 * 1024 * 1024);
  });
});
