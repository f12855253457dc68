// What people read: JSON lines (log_type json, logs --json), which worker wrote a merged cluster line,
// times added at read time, --lines checked, and the last lines of a 1 GB file read from its end.
import assert from 'node:assert/strict';
import {
  closeSync,
  existsSync,
  fstatSync,
  openSync,
  readFileSync,
  readSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from '../helpers/node-test.js';
import { BIN, createHome, fixture, waitFor } from '../helpers/shoal.js';

describe('reading logs', () => {
  it('log_type json writes one object per line; merged cluster lines name their worker', async (t) => {
    const home = createHome(t);
    const script = join(home.dir, 'hello.js');
    writeFileSync(
      script,
      "console.log('hello from ' + process.env.NODE_APP_INSTANCE); console.error('oops'); setInterval(() => {}, 1000);\n",
    );
    const file = home.writeProcessFile({
      apps: [{ name: 'web', script, instances: 2, exec_mode: 'cluster', log_type: 'json' }],
    });
    await home.ok(['start', file]);
    const out = home.logPath('web');
    await waitFor(
      'both workers wrote',
      () => readFileSync(out, 'utf8').split('\n').filter(Boolean).length >= 2,
    );
    const objects = readFileSync(out, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const o of objects) {
      assert.equal(o.app_name, 'web');
      assert.equal(o.type, 'out');
      assert.match(String(o.timestamp), /^\d{4}-\d\d-\d\dT/);
      assert.equal(o.message, `hello from ${o.instance}`);
      assert.equal(typeof o.process_id, 'number');
    }
    assert.deepEqual(objects.map((o) => o.instance).sort(), [0, 1]);
    const human = (await home.ok(['logs', 'web', '--nostream', '--out'])).stdout;
    assert.match(human, /^0\|web \| hello from 0$/m);
    assert.match(human, /^1\|web \| hello from 1$/m);
    const err = readFileSync(home.logPath('web', 'error'), 'utf8').trim().split('\n');
    assert.equal((JSON.parse(err[0]!) as { type: string }).type, 'err');
  });

  it('a raw merged cluster file stays raw, and logs names the worker of each line, past and live', async (t) => {
    const home = createHome(t);
    const script = join(home.dir, 'ticker.js');
    // Each worker says who it is in every line, at its own pace, so the lines interleave in the file.
    writeFileSync(
      script,
      "const me = process.env.NODE_APP_INSTANCE; let k = 0; setInterval(() => console.log('worker ' + me + ' line ' + k++), 20 + 7 * Number(me));\n",
    );
    await home.ok(['start', script, '--name', 'web', '-i', '2']);
    const out = home.logPath('web');
    const linesOf = (who: string) =>
      readFileSync(out, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith(`worker ${who} `));
    await waitFor(
      'both workers wrote 30 lines',
      () => linesOf('0').length >= 30 && linesOf('1').length >= 30,
      {
        timeoutMs: 30_000,
      },
    );
    assert.match(readFileSync(out, 'utf8'), /^worker [01] line \d+\n/, 'the file itself holds the raw lines');

    const human = (await home.ok(['logs', 'web', '--nostream', '--out', '--lines', '40'])).stdout;
    const shown = human.split('\n').filter((l) => l.includes('| worker'));
    assert.equal(shown.length, 40);
    for (const l of shown) assert.match(l, /^(\d)\|web \| worker \1 line \d+$/, `attributed: ${l}`);
    assert.ok(shown.some((l) => l.startsWith('0|')) && shown.some((l) => l.startsWith('1|')));
    const json = (await home.ok(['logs', 'web', '--nostream', '--out', '--json', '--lines', '10'])).stdout;
    for (const o of json
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { instance: number; message: string }))
      assert.equal(o.message.split(' ')[1], String(o.instance));

    // Live: the lines printed while following carry their worker too, after a rotation as well.
    const follower = spawn(process.execPath, [BIN, 'logs', 'web', '--out', '--lines', '0'], {
      env: home.env(),
    });
    t.after(() => follower.kill('SIGKILL'));
    let live = '';
    follower.stdout.on('data', (c: Buffer) => {
      live += c.toString();
    });
    const liveLines = () => live.split('\n').filter((l) => l.includes('| worker'));
    await waitFor('20 live lines', () => liveLines().length >= 20, { timeoutMs: 30_000 });
    for (const l of liveLines()) assert.match(l, /^(\d)\|web \| worker \1 line \d+$/, `live: ${l}`);
    await home.ok(['flush', 'web']);
    const before = liveLines().length;
    await waitFor('20 more live lines after flush', () => liveLines().length >= before + 20, {
      timeoutMs: 30_000,
    });
    // Lines written in the instant of the flush may lose their records with the emptied index and print
    // unattributed; no line is ever given to the wrong worker, and the lines after it are attributed.
    const all = liveLines();
    for (const l of all.filter((x) => !x.startsWith('web | ')))
      assert.match(l, /^(\d)\|web \| worker \1 line \d+$/, `after flush: ${l}`);
    await waitFor('10 more live lines', () => liveLines().length >= all.length + 10, { timeoutMs: 30_000 });
    for (const l of liveLines().slice(all.length))
      assert.match(l, /^(\d)\|web \| worker \1 line \d+$/, `settled after flush: ${l}`);
    const again = (await home.ok(['logs', 'web', '--nostream', '--out', '--lines', '10'])).stdout;
    for (const l of again.split('\n').filter((x) => x.includes('| worker')))
      assert.match(l, /^(\d)\|web \| worker \1 line \d+$/, `after flush, past: ${l}`);
  });

  it('logs --json prints any app as JSON lines; --timestamp adds the time; --lines is checked', async (t) => {
    const home = createHome(t);
    await home.ok(['start', fixture('print-lines.js'), '--name', 'few', '--', '5']);
    await waitFor(
      'done',
      () => existsSync(home.logPath('few')) && readFileSync(home.logPath('few'), 'utf8').includes('done'),
    );
    const json = (await home.ok(['logs', 'few', '--nostream', '--out', '--json', '--lines', '2'])).stdout;
    const lines = json
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(
      lines.map((l) => [l.app_name, l.instance, l.type, l.message]),
      [
        ['few', 0, 'out', 'line 4 of 5'],
        ['few', 0, 'out', 'done'],
      ],
    );
    const stamped = (
      await home.ok(['logs', 'few', '--nostream', '--out', '--raw', '--timestamp', '--lines', '1'])
    ).stdout;
    assert.match(stamped, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d done\n$/);
    for (const bad of ['abc', '-3', '1.5']) {
      const res = await home.run(['logs', 'few', '--nostream', '--lines', bad]);
      assert.equal(res.code, 1, `--lines ${bad}`);
      assert.match(res.stderr, /--lines expects a whole number.*\[SHOAL_ERR_FLAG_INVALID\]/);
      assert.equal(res.stdout, '');
    }
  });

  it('--lines 100 on a 1 GB file reads from the end, well under a second', async (t) => {
    const home = createHome(t);
    const big = join(home.dir, 'big-out.log');
    // 1 GiB of lines in 1 MiB blocks (the same block over and over, then numbered lines at the end).
    const line = (i: number) => `${String(i).padStart(12, '0')} ${'y'.repeat(50)}\n`;
    const perBlock = Math.floor((1024 * 1024) / line(0).length);
    const block = Buffer.from(Array.from({ length: perBlock }, (_, k) => line(k)).join(''));
    const fd = openSync(big, 'w');
    for (let b = 0; b < 1024; b++) writeSync(fd, block);
    closeSync(fd);
    const i = perBlock;
    // No size limit: the 1 GB file must stay as it is, not be rotated on the first write.
    const file = home.writeProcessFile({
      apps: [{ name: 'big', script: fixture('forever.js'), out_file: big, log_max_size: false }],
    });
    await home.ok(['start', file]);
    await waitFor('the app wrote its line', () => {
      const fd2 = openSync(big, 'r');
      const tail = Buffer.alloc(200);
      const { size } = fstatSync(fd2);
      readSync(fd2, tail, 0, 200, size - 200);
      closeSync(fd2);
      return /forever \d+ started\n$/.test(tail.toString());
    });
    const started = process.hrtime.bigint();
    const res = await home.ok(['logs', 'big', '--nostream', '--out', '--raw', '--lines', '100']);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const shown = res.stdout.trim().split('\n');
    assert.equal(shown.length, 100);
    assert.match(shown[99]!, /^forever \d+ started$/);
    assert.equal(shown[98], line(i - 1).trimEnd());
    // The CLI's own start-up is most of it; reading 1 GB whole would take seconds (or fail outright).
    assert.ok(ms < 1500, `took ${ms.toFixed(0)} ms`);
    t.diagnostic(`logs --lines 100 on a 1 GiB file: ${ms.toFixed(0)} ms`);
  });
});
