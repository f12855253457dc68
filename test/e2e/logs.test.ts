// Output capture: every line kept and intact under a flood, timestamps per line, logs and flush commands.
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { describe, it } from '../helpers/node-test.js';
import { createHome, fixture, waitFor } from '../helpers/shoal.js';

function countLines(text: string, total: number): { found: number; broken: number } {
  const seen = new Uint8Array(total);
  let broken = 0;
  for (const line of text.split('\n')) {
    if (line === '' || line === 'done') continue;
    const m = /^line (\d+) of (\d+)$/.exec(line);
    if (!m || Number(m[2]) !== total) {
      broken += 1;
      continue;
    }
    seen[Number(m[1])] = 1;
  }
  return { found: seen.reduce((a, b) => a + b, 0), broken };
}

describe('logs', () => {
  it('keeps every one of 200,000 lines, unbroken, while the daemon stays responsive', async (t) => {
    const home = createHome(t);
    const total = 200_000;
    await home.ok(['start', fixture('print-lines.js'), '--name', 'flood', '--', String(total)]);
    const path = home.logPath('flood');
    await waitFor('done line', () => readFileSync(path, 'utf8').endsWith('done\n'), {
      timeoutMs: 60_000,
      intervalMs: 250,
    });
    const { found, broken } = countLines(readFileSync(path, 'utf8'), total);
    assert.equal(broken, 0, 'no broken or foreign lines');
    assert.equal(found, total, 'every line present');
    assert.equal((await home.run(['ping'])).code, 0);
    assert.equal(statSync(path).mode & 0o777, 0o600);
  });

  it('keeps the last lines of a process that exits right after writing them', async (t) => {
    const home = createHome(t);
    const total = 20_000;
    const { writeFileSync } = await import('node:fs');
    const script = `${home.dir}/burst.js`;
    writeFileSync(
      script,
      `let s=''; for (let i=0;i<${total};i++) s += 'line '+i+' of ${total}\\n'; process.stdout.write(s, () => process.exit(0));`,
    );
    await home.ok(['start', script, '--name', 'burst', '--no-autorestart', '--interpreter', 'node']);
    await waitFor('stopped', async () => (await home.list())[0]?.status === 'stopped');
    const { found, broken } = countLines(readFileSync(home.logPath('burst'), 'utf8'), total);
    assert.equal(broken, 0);
    assert.equal(found, total);
  });

  it('prefixes every line with a timestamp when time is on, and separates stderr', async (t) => {
    const home = createHome(t);
    await home.ok([
      'start',
      fixture('exit-code.js'),
      '--name',
      'stamped',
      '--time',
      '--no-autorestart',
      '--',
      '0',
      '10',
    ]);
    await waitFor('stopped', async () => (await home.list())[0]?.status === 'stopped');
    const err = readFileSync(home.logPath('stamped', 'error'), 'utf8').trim().split('\n');
    assert.equal(err.length, 1);
    assert.match(
      err[0]!,
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d: exit-code fixture: exiting with 0$/,
    );
  });

  it('shoal logs prints the last lines; --err and --out filter; flush empties the files', async (t) => {
    const home = createHome(t);
    await home.ok(['start', fixture('print-lines.js'), '--name', 'few', '--', '50']);
    await waitFor('done', () => readFileSync(home.logPath('few'), 'utf8').includes('done'));
    const res = await home.ok(['logs', 'few', '--lines', '5', '--nostream']);
    assert.match(res.stdout, /0\|few \| line 46 of 50\n(.|\n)*0\|few \| line 49 of 50\n0\|few \| done/);
    assert.doesNotMatch(res.stdout, /line 45 of 50/);
    const raw = await home.ok(['logs', 'few', '--lines', '2', '--nostream', '--raw', '--out']);
    assert.equal(raw.stdout, 'line 49 of 50\ndone\n');
    const errOnly = await home.ok(['logs', 'few', '--nostream', '--err', '--raw']);
    assert.equal(errOnly.stdout, '');
    await home.ok(['flush', 'few']);
    assert.equal(readFileSync(home.logPath('few'), 'utf8'), '');
  });

  it('shoal logs streams new lines until interrupted', async (t) => {
    const home = createHome(t);
    const { spawn } = await import('node:child_process');
    const { BIN } = await import('../helpers/shoal.js');
    await home.ok(['start', fixture('forever.js'), '--name', 'streamed']);
    const [first] = await home.list();
    const startedLine = (pid: number) => `forever ${pid} started`;
    await waitFor('the first run in the log', () =>
      readFileSync(home.logPath('streamed'), 'utf8').includes(startedLine(first!.pid!)),
    );
    // --lines 1: the follower prints the last line first, then follows from the end of the file.
    const child = spawn(process.execPath, [BIN, 'logs', 'streamed', '--lines', '1', '--raw'], {
      env: home.env(),
    });
    t.after(() => child.kill('SIGKILL'));
    const closed = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    await waitFor('the follower to print the last line', () => out.includes(`${startedLine(first!.pid!)}\n`));
    await home.ok(['restart', 'streamed']);
    const [second] = await home.list();
    assert.notEqual(second!.pid, first!.pid);
    await waitFor('the new run streamed', () => out.includes(startedLine(second!.pid!)));
    assert.equal(out.split(startedLine(first!.pid!)).length, 2, 'the old line printed once, not again');
    child.kill('SIGINT');
    assert.equal(await closed, 0, 'shoal logs ends cleanly on SIGINT');
  });
});
