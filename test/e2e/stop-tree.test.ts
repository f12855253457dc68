// Stopping: the stop signal first, SIGKILL after kill_timeout, and the whole tree goes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from '../helpers/node-test.js';
import { createHome, fixture, pidAlive, waitFor } from '../helpers/shoal.js';

describe('stopping a process tree', () => {
  it('kills a process that ignores SIGINT after kill_timeout', async (t) => {
    const home = createHome(t);
    await home.ok(['start', fixture('ignore-signals.js'), '--name', 'stubborn', '--kill-timeout', '800']);
    const pid = await waitFor('online pid', async () => (await home.list())[0]?.pid);
    await waitFor('ready line', () => readFileSync(home.logPath('stubborn'), 'utf8').includes('ready'));
    const t0 = Date.now();
    await home.ok(['stop', 'stubborn']);
    const took = Date.now() - t0;
    assert.equal(pidAlive(pid), false);
    assert.ok(took >= 700, `stop waited for kill_timeout (${took} ms)`);
    const [d] = await home.describe('stubborn');
    assert.equal(d!.last_exit?.signal, 'SIGKILL');
    assert.match(readFileSync(home.logPath('stubborn'), 'utf8'), /got SIGINT, ignoring/);
  });

  it('leaves no child process behind, even children that ignore SIGINT', async (t) => {
    const home = createHome(t);
    const pidsFile = join(home.dir, 'kids.json');
    await home.ok([
      'start',
      fixture('spawn-tree.js'),
      '--name',
      'tree',
      '--kill-timeout',
      '500',
      '--',
      pidsFile,
    ]);
    const kids = await waitFor('children pids', () => {
      try {
        return JSON.parse(readFileSync(pidsFile, 'utf8')) as number[];
      } catch {
        return null;
      }
    });
    assert.equal(kids.length, 2);
    assert.ok(kids.every(pidAlive));
    await home.ok(['stop', 'tree']);
    await waitFor('children gone', () => kids.every((k) => !pidAlive(k)), { timeoutMs: 5000 });
  });

  it('uses the configured kill_signal', async (t) => {
    const home = createHome(t);
    const script = join(home.dir, 'term.js');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      script,
      "process.on('SIGTERM', () => { console.log('clean SIGTERM'); process.exit(0); }); setInterval(() => {}, 1000);",
    );
    const config = join(home.dir, 'app.config.cjs');
    writeFileSync(
      config,
      `module.exports = { apps: [{ name: 'term', script: ${JSON.stringify(script)}, kill_signal: 'SIGTERM' }] };`,
    );
    await home.ok(['start', config]);
    await waitFor('online', async () => (await home.list())[0]?.status === 'online');
    await home.ok(['stop', 'term']);
    const [d] = await home.describe('term');
    assert.equal(d!.last_exit?.code, 0);
    assert.match(readFileSync(home.logPath('term'), 'utf8'), /clean SIGTERM/);
  });
});
