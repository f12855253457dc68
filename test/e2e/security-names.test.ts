// App names as an attacker (or a careless script) chooses them. Names that used to share files (c@1 and
// c#1: two primaries on one socket, `stop c@1` stopping c#1) run side by side, each with its own files;
// names that would write raw escape codes to the terminal, that commands cannot target (`all`), that are
// path parts or too long for a file name are refused before anything runs, with no raw escape in the
// error and nothing registered.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from '../helpers/node-test.js';
import { createHome, fixture, freePort, waitFor } from '../helpers/shoal.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: raw control characters must not reach the terminal
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe('app names', () => {
  it('keeps c@1 and c#1 apart: own primaries, own files, and stop c@1 stops only c@1', async (t) => {
    const home = createHome(t);
    for (const name of ['c@1', 'c#1']) {
      await home.ok(['start', fixture('http-hello.js'), '--name', name, '-i', '1'], {
        env: { PORT: String(await freePort()) },
      });
    }
    await waitFor('both online', async () => {
      const ps = await home.list();
      return ps.length === 2 && ps.every((p) => p.status === 'online');
    });
    const run = readdirSync(join(home.dir, 'run')).sort();
    assert.ok(run.includes('c%401.sock') && run.includes('c%231.sock'), run.join(', '));
    await home.ok(['stop', 'c@1']);
    const byName = Object.fromEntries((await home.list()).map((p) => [p.name, p.status]));
    assert.deepEqual(byName, { 'c@1': 'stopped', 'c#1': 'online' });
  });

  it('refuses names the CLI could not show or target, before starting anything', async (t) => {
    const home = createHome(t);
    const bad = [
      'all',
      '__proto__',
      '..',
      '.',
      '../../escape',
      'x'.repeat(300),
      'red\u001b[31mtext',
      'title\u001b]0;pwned\u0007',
      'csi\u009b2J',
    ];
    for (const name of bad) {
      const res = await home.run(['start', fixture('forever.js'), '--name', name]);
      assert.equal(res.code, 1, `--name ${JSON.stringify(name)} must be refused`);
      assert.match(res.stderr, /SHOAL_ERR_CONFIG_INVALID/);
      assert.doesNotMatch(res.stderr, RAW_CONTROL, 'no raw control character');
      assert.ok(res.stderr.length < 2000, 'the message stays short');
    }
    if (home.daemonPid() !== null) assert.deepEqual(await home.list(), [], 'nothing registered');
    t.diagnostic(`bad inputs tried: ${bad.length}`);
  });
});
