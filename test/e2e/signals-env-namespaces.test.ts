// Acting on running processes: sendSignal/signal, env with secrets redacted, restart --update-env, and
// targets that name a namespace.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from '../helpers/node-test.js';
import { createHome, fixture, waitFor } from '../helpers/shoal.js';

function readJson<T>(path: string): T | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return null;
  }
}

describe('signals, env and namespaces', () => {
  it('delivers a signal by name, with or without the SIG prefix', async (t) => {
    const home = createHome(t);
    const out = join(home.dir, 'signals.txt');
    await home.ok(['start', fixture('signal-file.js'), '--name', 'sig', '--', out]);
    await waitFor('the fixture to be ready', () => existsSync(out));

    const res = await home.ok(['sendSignal', 'SIGUSR2', 'sig']);
    assert.match(res.stdout, /Sent SIGUSR2 to sig \(id 0, pid \d+\)/);
    await waitFor('SIGUSR2 received', () => readFileSync(out, 'utf8') === 'SIGUSR2\n');

    await home.ok(['signal', 'usr2', '0']);
    await waitFor('a second SIGUSR2', () => readFileSync(out, 'utf8') === 'SIGUSR2\nSIGUSR2\n');
    assert.equal((await home.list())[0]?.status, 'online');

    const bad = await home.run(['signal', 'SIGNOPE', 'sig']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /Unknown signal "SIGNOPE"/);
  });

  it('refuses an unknown signal name with its own code and signals nothing', async (t) => {
    const home = createHome(t);
    const out = join(home.dir, 'signals.txt');
    await home.ok(['start', fixture('signal-file.js'), '--name', 'sig', '--', out]);
    await waitFor('the fixture to be ready', () => existsSync(out));
    const [before] = await home.list();

    for (const args of [
      ['sendSignal', 'SIGNOPE', 'sig'],
      ['signal', 'nope', 'all'],
    ]) {
      const bad = await home.run(args);
      assert.equal(bad.code, 1, `shoal ${args.join(' ')} exits 1`);
      assert.match(bad.stderr, /^shoal: Unknown signal "(SIGNOPE|nope)": .*\[SHOAL_ERR_SIGNAL_INVALID\]$/m);
      assert.equal(bad.stdout, '', 'no "Sent ..." line');
    }
    // A good signal after the bad ones: had either reached the app, the file would show it first.
    await home.ok(['sendSignal', 'SIGHUP', 'sig']);
    await waitFor('the SIGHUP', () => readFileSync(out, 'utf8') !== '');
    assert.equal(readFileSync(out, 'utf8'), 'SIGHUP\n');
    const [after] = await home.list();
    assert.deepEqual([after?.pid, after?.restarts, after?.status], [before?.pid, 0, 'online']);

    // The name is checked before the daemon is asked: a home without one does not get one.
    const empty = createHome(t);
    const res = await empty.run(['sendSignal', 'SIGNOPE', 'sig']);
    assert.match(res.stderr, /\[SHOAL_ERR_SIGNAL_INVALID\]/);
    assert.equal(empty.daemonPid(), null, 'no daemon was started');
  });

  it('prints env as KEY=value with secret-looking values redacted', async (t) => {
    const home = createHome(t);
    await home.ok(['start', fixture('forever.js'), '--name', 'envy'], {
      env: { DB_PASSWORD: 'hunter2', PLAIN_SETTING: 'visible-value' },
    });
    for (const target of ['envy', '0']) {
      const res = await home.ok(['env', target]);
      assert.match(res.stdout, /^PLAIN_SETTING=visible-value$/m);
      assert.match(res.stdout, /^DB_PASSWORD=\[redacted\]$/m);
      assert.match(res.stdout, /^SHOAL_APP_NAME=envy$/m);
      assert.doesNotMatch(res.stdout, /hunter2/);
    }
  });

  it('gives a restarted app a new shell variable only with --update-env', async (t) => {
    const home = createHome(t);
    const out = join(home.dir, 'env.json');
    await home.ok(['start', fixture('env-dump.js'), '--name', 'upd', '--', out]);
    await waitFor('first env dump', () => readJson(out));

    const restartAndRead = async (args: string[]) => {
      rmSync(out);
      await home.ok(['restart', 'upd', ...args], { env: { ADDED_LATER: 'new value' } });
      return waitFor('env dump after restart', () => readJson<{ env: Record<string, string> }>(out));
    };
    assert.equal((await restartAndRead([])).env.ADDED_LATER, undefined, 'a plain restart keeps the old env');
    assert.equal((await restartAndRead(['--update-env'])).env.ADDED_LATER, 'new value');
  });

  it('restarts only the apps of the namespace named with ns:<name> or its bare name', async (t) => {
    const home = createHome(t);
    for (const [name, ns] of [
      ['front', 'web'],
      ['assets', 'web'],
      ['jobs', 'api'],
    ] as const) {
      await home.ok(['start', fixture('forever.js'), '--name', name, '--namespace', ns]);
    }
    const restarts = async () =>
      Object.fromEntries((await home.list()).map((p) => [p.name, p.restarts] as const));

    await home.ok(['restart', 'ns:web']);
    assert.deepEqual(await restarts(), { front: 1, assets: 1, jobs: 0 });
    await home.ok(['restart', 'web']);
    assert.deepEqual(await restarts(), { front: 2, assets: 2, jobs: 0 });
  });
});
