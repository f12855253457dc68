// watch: a burst of edits to a watched file restarts the app exactly once; changes under ignored paths
// (node_modules, dotfiles, ignore_watch) restart nothing.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from '../helpers/node-test.js';
import { createHome, fixture, holdsFor, type ShoalHome, waitFor } from '../helpers/shoal.js';

const WATCH_DELAY_MS = 200;
/** After the restart, how long the count must stay put: several quiet periods, plus margin. */
const STABLE_MS = WATCH_DELAY_MS * 3 + 1000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function restartsOf(home: ShoalHome, name: string): Promise<number> {
  const p = (await home.list()).find((x) => x.name === name);
  if (!p) throw new Error(`${name} is not listed`);
  return p.restarts;
}

function appDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'shoal-watch-app-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  copyFileSync(fixture('forever.js'), join(dir, 'app.js'));
  writeFileSync(join(dir, 'lib.js'), 'module.exports = 0;\n');
  mkdirSync(join(dir, 'node_modules', 'dep'), { recursive: true });
  mkdirSync(join(dir, 'generated'));
  return dir;
}

describe('watch', () => {
  it('restarts once for a burst of edits and ignores node_modules, dotfiles and ignore_watch', async (t) => {
    const home = createHome(t);
    const dir = appDir(t);
    const config = join(dir, 'ecosystem.config.cjs');
    writeFileSync(
      config,
      `module.exports = { apps: [{ name: 'watched', script: 'app.js', cwd: ${JSON.stringify(dir)},
        watch: true, watch_delay: ${WATCH_DELAY_MS}, ignore_watch: ['generated', '*.tmp'] }] };`,
    );
    await home.ok(['start', config]);
    await waitFor('the watcher to be ready', () =>
      readFileSync(join(home.dir, 'shoal.log'), 'utf8').includes('watch.ready {"app":"watched"'),
    );

    // Changes under ignored paths, then at once a burst of edits to a watched file, all within one
    // quiet period: had any ignored change been seen, the restart's reason would name it too.
    writeFileSync(join(dir, 'node_modules', 'dep', 'index.js'), 'x');
    writeFileSync(join(dir, '.env'), 'X=1');
    writeFileSync(join(dir, 'generated', 'out.js'), 'x');
    writeFileSync(join(dir, 'notes.tmp'), 'x');
    for (let i = 1; i <= 5; i++) {
      writeFileSync(join(dir, 'lib.js'), `module.exports = ${i};\n`);
      // an editor's pace, well inside watch_delay: not a wait for anything
      await sleep(20);
    }
    await waitFor('one restart', async () => (await restartsOf(home, 'watched')) === 1, {
      timeoutMs: 15_000,
    });
    const [p] = await home.list();
    assert.equal(p?.last_restart_reason, 'watch: lib.js changed', 'only the watched file was seen');
    await holdsFor('exactly one restart', async () => (await restartsOf(home, 'watched')) === 1, {
      forMs: STABLE_MS,
    });
    assert.equal((await home.list())[0]?.status, 'online');
  });

  it('does not restart an app the user stopped', async (t) => {
    const home = createHome(t);
    const dir = appDir(t);
    await home.ok(['start', join(dir, 'app.js'), '--name', 'paused', '--watch', '--cwd', dir]);
    await waitFor('the watcher to be ready', () =>
      readFileSync(join(home.dir, 'shoal.log'), 'utf8').includes('watch.ready {"app":"paused"'),
    );
    await home.ok(['stop', 'paused']);
    writeFileSync(join(dir, 'lib.js'), 'module.exports = 1;\n');
    await waitFor('the change to be seen and skipped', () =>
      readFileSync(join(home.dir, 'shoal.log'), 'utf8').includes('watch.skipped {"app":"paused"'),
    );
    const [p] = await home.list();
    assert.equal(p?.status, 'stopped');
  });
});

describe('watch in cluster mode', () => {
  it('reloads a cluster app on a change: every worker replaced by a new one', async (t) => {
    const home = createHome(t);
    const dir = mkdtempSync(join(tmpdir(), 'shoal-watch-cluster-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    copyFileSync(fixture('http-hello.js'), join(dir, 'app.js'));
    await home.ok(['start', join(dir, 'app.js'), '--name', 'cw', '-i', '2', '--watch', '--cwd', dir], {
      env: { PORT: '0' },
    });
    await waitFor('the watcher to be ready', () =>
      readFileSync(join(home.dir, 'shoal.log'), 'utf8').includes('watch.ready {"app":"cw"'),
    );
    const before = await home.list();
    assert.deepEqual(
      before.map((p) => [p.mode, p.status]),
      [
        ['cluster', 'online'],
        ['cluster', 'online'],
      ],
    );
    writeFileSync(join(dir, 'app.js'), `${readFileSync(join(dir, 'app.js'), 'utf8')}\n// edited\n`);
    await waitFor(
      'both workers replaced',
      async () => {
        const list = await home.list();
        return list.length === 2 && list.every((p) => p.restarts === 1 && p.status === 'online');
      },
      { timeoutMs: 30_000 },
    );
    const after = await home.list();
    assert.equal(after.length, 2);
    assert.ok(
      after.every((p) => !before.some((b) => b.pid === p.pid)),
      'new worker pids',
    );
    assert.match(
      readFileSync(join(home.dir, 'shoal.log'), 'utf8'),
      /app\.refresh \{"app":"cw","mode":"cluster","action":"reload"/,
    );
  });
});
