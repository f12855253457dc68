// Rotation inside Shoal's writer: every line kept exactly once, in order, across rotated and gzipped
// files; the daemon's and the primaries' own logs rotate too; flush and reloadLogs act on the open files.
import assert from 'node:assert/strict';
import {
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, it } from '../helpers/node-test.js';
import { createHome, fixture, type ShoalHome, waitFor } from '../helpers/shoal.js';

/** The rotated copies of <stem>.log in dir, oldest first (names sort by time, then by _n). */
function rotated(dir: string, stem: string): string[] {
  const re = new RegExp(`^${stem}__(\\d{4}-\\d\\d-\\d\\d_\\d\\d-\\d\\d-\\d\\d)(?:_(\\d+))?\\.log(\\.gz)?$`);
  return readdirSync(dir)
    .map((name) => ({ name, m: re.exec(name) }))
    .filter((x) => x.m !== null)
    .sort((a, b) =>
      a.m![1] === b.m![1] ? Number(a.m![2] ?? 0) - Number(b.m![2] ?? 0) : a.m![1]! < b.m![1]! ? -1 : 1,
    )
    .map((x) => join(dir, x.name));
}

const contentOf = (path: string) =>
  path.endsWith('.gz') ? gunzipSync(readFileSync(path)).toString('utf8') : readFileSync(path, 'utf8');

function startFile(home: ShoalHome, app: Record<string, unknown>): string {
  const file = join(home.dir, `${String(app.name)}.config.json`);
  writeFileSync(file, JSON.stringify({ apps: [app] }));
  return file;
}

describe('log rotation', () => {
  it('keeps each of 300,000 lines exactly once, in order, across 2M files gzipped off the loop', async (t) => {
    const home = createHome(t);
    const total = 300_000;
    const max = 2 * 1024 * 1024;
    const file = startFile(home, {
      name: 'flood',
      script: fixture('print-lines.js'),
      args: [String(total)],
      log_max_size: '2M',
      log_retain: 'all',
      log_compress: true,
    });
    await home.ok(['start', file]);
    const logs = join(home.dir, 'logs');
    await waitFor('the done line', () => readFileSync(home.logPath('flood'), 'utf8').endsWith('done\n'), {
      timeoutMs: 90_000,
      intervalMs: 250,
    });
    // Compression runs after each rotation: wait until no plain rotated copy is left.
    await waitFor(
      'every rotated file gzipped',
      () =>
        rotated(logs, 'flood-out').length >= 3 && rotated(logs, 'flood-out').every((f) => f.endsWith('.gz')),
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    const files = [...rotated(logs, 'flood-out'), home.logPath('flood')];
    let next = 0;
    let longest = 0;
    for (const f of files) {
      const text = contentOf(f);
      assert.ok(text === '' || text.endsWith('\n'), `${f} ends with a whole line`);
      const bytes = Buffer.byteLength(text);
      for (const line of text.split('\n')) {
        if (line === '' || line === 'done') continue;
        longest = Math.max(longest, Buffer.byteLength(line) + 1);
        const m = /^line (\d+) of (\d+)$/.exec(line);
        assert.ok(m, `a whole numbered line in ${f}: ${JSON.stringify(line.slice(0, 80))}`);
        assert.equal(Number(m[1]), next, `line ${next} comes next (in ${f})`);
        next += 1;
      }
      if (f !== home.logPath('flood')) assert.ok(bytes <= max + longest, `${f}: ${bytes} bytes`);
    }
    assert.equal(next, total, 'every line found once');
    assert.ok(files.length >= 4, `rotated into several files (${files.length})`);
    const daemonLog = readFileSync(join(home.dir, 'shoal.log'), 'utf8');
    assert.match(daemonLog, /log\.rotated/);
  });

  it('rotates shoal.log and a primary log by the daemon-wide defaults', async (t) => {
    const home = createHome(t);
    const env = { SHOAL_LOG_MAX_SIZE: '3K', SHOAL_LOG_RETAIN: '2' };
    await home.ok(['start', fixture('http-hello.js'), '--name', 'web', '-i', '2'], { env });
    // Fork apps' transitions go to shoal.log, cluster workers' to their primary's log.
    await home.ok(['start', fixture('forever.js'), '--name', 'f', '--exec-mode', 'fork', '-i', '2'], { env });
    for (let i = 0; i < 6; i++) await home.ok(['restart', 'all'], { env });
    await waitFor('shoal.log rotated', () => rotated(home.dir, 'shoal').length > 0);
    await waitFor('the primary log rotated', () => rotated(join(home.dir, 'run'), 'web.primary').length > 0);
    assert.ok(rotated(home.dir, 'shoal').length <= 2, 'retains at most 2 rotated copies');
    for (const f of [...rotated(home.dir, 'shoal'), ...rotated(join(home.dir, 'run'), 'web.primary')])
      assert.ok(statSync(f).size <= 3 * 1024 + 2048, `${f} stays near the limit`);
  });

  it('flush empties the file being written even after it was moved away', async (t) => {
    const home = createHome(t);
    await home.ok(['start', fixture('tick-lines.js'), '--name', 'ticker']);
    const path = home.logPath('ticker');
    await waitFor('some ticks', () => existsSync(path) && statSync(path).size > 200);
    const moved = `${path}.moved`;
    renameSync(path, moved);
    await waitFor('a few KB in the moved file', () => statSync(moved).size > 3000);
    await home.ok(['flush', 'ticker']);
    // The writer still holds the moved file: it is the one emptied (and keeps growing from zero).
    const after = statSync(moved).size;
    assert.ok(after < 1500, `the moved file was emptied (${after} bytes)`);
  });

  it('reloadLogs reopens the files after logrotate "create"; copytruncate keeps whole lines', async (t) => {
    const home = createHome(t);
    await home.ok(['start', fixture('tick-lines.js'), '--name', 'ticker', '--', '5']);
    const path = home.logPath('ticker');
    await waitFor('some ticks', () => existsSync(path) && statSync(path).size > 200);
    // logrotate's default "create" mode: move the file, create a new one, tell the writer.
    const moved = `${path}.1`;
    renameSync(path, moved);
    writeFileSync(path, '', { mode: 0o600 });
    const res = await home.ok(['reloadLogs']);
    assert.match(res.stdout, /Reopened \d+ log file/);
    await waitFor('new lines in the new file', () => statSync(path).size > 100);
    const movedSize = statSync(moved).size;
    await waitFor('the new file keeps growing', () => statSync(path).size > 400);
    assert.equal(statSync(moved).size, movedSize, 'nothing more goes into the moved file');
    // copytruncate: the file is emptied under the writer, which appends (no NUL hole, no broken line).
    truncateSync(path, 0);
    await waitFor('lines after the truncation', () => statSync(path).size > 200);
    const text = readFileSync(path, 'utf8');
    assert.ok(!text.includes('\0'), 'no NUL bytes');
    const lines = text.split('\n').filter(Boolean);
    assert.ok(
      lines.every((l) => /^tick \d+$/.test(l)),
      'only whole lines',
    );
  });

  it("reloadLogs and flush reach a cluster app's files through its primary", async (t) => {
    const home = createHome(t);
    await home.ok(['start', fixture('tick-lines.js'), '--name', 'ticks', '-i', '2', '--', '5']);
    const path = home.logPath('ticks');
    await waitFor('ticks from the workers', () => existsSync(path) && statSync(path).size > 400);
    const moved = `${path}.1`;
    renameSync(path, moved);
    const res = await home.ok(['reloadLogs']);
    assert.match(res.stdout, /Reopened \d+ log file/);
    await waitFor('the primary writes the new file', () => existsSync(path) && statSync(path).size > 200);
    const movedSize = statSync(moved).size;
    await waitFor('the new file keeps growing', () => statSync(path).size > 600);
    assert.equal(statSync(moved).size, movedSize, 'nothing more goes into the moved file');
    // Move it again without telling: flush still empties the file the primary is writing.
    renameSync(path, `${path}.2`);
    await waitFor('a few KB in the moved file', () => statSync(`${path}.2`).size > 4000);
    await home.ok(['flush', 'ticks']);
    // Emptied, then written on: well below what it held (lines keep coming meanwhile).
    assert.ok(statSync(`${path}.2`).size < 2000, 'the open (moved) file was emptied');
  });
});
