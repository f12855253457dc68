// save / resurrect through the real binary: same apps, env and instance counts after the daemon is gone;
// an empty save refused; a damaged dump.json answered from its .bak; an old dump format upgraded; and
// no kill -9 at any moment of a save leaves a torn dump.json behind.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from '../helpers/node-test.js';
import { parseDump } from '../../src/daemon/persistence/dump-file.js';
import type { ProcessInfo } from '../../src/protocol/process-info.js';
import { BIN, createHome, fixture, pidAlive, type ShoalHome, waitFor } from '../helpers/shoal.js';

function readJson<T>(path: string): T | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return null;
  }
}

const countBy = (list: ProcessInfo[]) => {
  const counts: Record<string, number> = {};
  for (const p of list) counts[p.name] = (counts[p.name] ?? 0) + 1;
  return counts;
};

/** Every generation number found in a dump: one value means a whole save, two a torn one. */
function generationsIn(text: string): Set<string> {
  const { doc } = parseDump(text);
  return new Set(doc.apps.map((a) => a.cli_env.GEN ?? 'none'));
}

function killOrphans(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

/** Whether a file name is one of the temp files Shoal's atomic writer makes for dump.json or its .bak. */
const isTempOf = (name: string, pid: number) =>
  new RegExp(`^\\.dump\\.json(\\.bak)?\\.${pid}\\.[0-9a-f]{8}\\.tmp$`).test(name);

/** The temp files process pid left in dir: proof that it was killed while writing one. */
const tempFilesOf = (dir: string, pid: number) => readdirSync(dir).filter((f) => isTempOf(f, pid));

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

async function onlineCounts(home: ShoalHome): Promise<Record<string, number>> {
  return countBy((await home.list()).filter((p) => p.status === 'online'));
}

describe('save and resurrect', () => {
  it('brings back the same apps, env values and instance counts after shoal kill', async (t) => {
    const home = createHome(t);
    const envOut = join(home.dir, 'env.json');
    const config = join(home.dir, 'ecosystem.config.cjs');
    writeFileSync(
      config,
      `module.exports = { apps: [
        { name: 'envy', script: ${JSON.stringify(fixture('env-dump.js'))}, args: [${JSON.stringify(envOut)}],
          env: { FROM_FILE: 'file value', DB_PASSWORD: 's3cret' } },
        { name: 'pair', script: ${JSON.stringify(fixture('forever.js'))}, exec_mode: 'fork', instances: 2 },
        { name: 'idle', script: ${JSON.stringify(fixture('forever.js'))} },
      ] };`,
    );
    await home.ok(['start', config], { env: { FROM_SHELL: 'shell value' } });
    await waitFor('env dump', () => readJson(envOut));
    await home.ok(['scale', 'pair', '3']);
    await home.ok(['stop', 'idle']);

    const saved = await home.ok(['save']);
    assert.match(saved.stdout, /Saved 3 app\(s\) to .*dump\.json/);
    const dumpFile = join(home.dir, 'dump.json');
    assert.equal(statSync(dumpFile).mode & 0o777, 0o600, 'the dump holds env values: owner only');
    const { doc } = parseDump(readFileSync(dumpFile, 'utf8'));
    assert.equal(doc.version, 1);
    assert.deepEqual(Object.fromEntries(doc.apps.map((a) => [a.config.name, [a.instances, a.status]])), {
      envy: [1, 'running'],
      pair: [3, 'running'],
      idle: [1, 'stopped'],
    });

    const oldPids = (await home.list()).map((p) => p.pid).filter((p): p is number => p !== null);
    assert.equal(oldPids.length, 4, 'envy and three of pair run; idle is stopped');
    await home.ok(['kill']);
    assert.ok(
      oldPids.every((p) => !pidAlive(p)),
      'kill stopped every app',
    );
    rmSync(envOut);

    // The shell running resurrect has other values: the saved ones must win.
    const res = await home.ok(['resurrect'], { env: { FROM_SHELL: 'another shell' } });
    assert.match(res.stderr, /idle was saved as stopped/);
    assert.deepEqual(await onlineCounts(home), { envy: 1, pair: 3 });
    // As docs/persistence.md says: a stopped row per saved instance, no pid, no uptime in the table.
    assert.deepEqual(
      (await home.list()).filter((p) => p.name === 'idle').map((p) => [p.status, p.pid]),
      [['stopped', null]],
    );
    assert.match((await home.ok(['ls'])).stdout, /idle\s+fork\s+-\s+stopped\s+0\s+-\s/);
    const env = await waitFor('env dump after resurrect', () =>
      readJson<{ env: Record<string, string> }>(envOut),
    );
    assert.equal(env.env.FROM_SHELL, 'shell value');
    assert.equal(env.env.FROM_FILE, 'file value');
    assert.equal(env.env.DB_PASSWORD, 's3cret');

    // A second resurrect finds every name known and starts nothing twice.
    const again = await home.ok(['resurrect']);
    assert.match(again.stderr, /envy is already known to the daemon/);
    assert.deepEqual(await onlineCounts(home), { envy: 1, pair: 3 });

    // The app saved as stopped starts on demand, with its saved config.
    await home.ok(['restart', 'idle']);
    assert.deepEqual(await onlineCounts(home), { envy: 1, pair: 3, idle: 1 });
  });

  it('resurrects a cluster app with its worker count', async (t) => {
    const home = createHome(t);
    await home.ok(['start', fixture('forever.js'), '--name', 'clu', '-i', '2']);
    await waitFor('2 cluster workers online', async () => (await onlineCounts(home)).clu === 2, {
      timeoutMs: 30_000,
    });
    assert.equal((await home.list())[0]?.mode, 'cluster');
    await home.ok(['save']);
    await home.ok(['kill']);
    await home.ok(['resurrect']);
    await waitFor('2 cluster workers online again', async () => (await onlineCounts(home)).clu === 2, {
      timeoutMs: 30_000,
    });
    const back = await home.list();
    assert.equal(back.length, 2);
    assert.ok(back.every((p) => p.mode === 'cluster'));
  });

  it('refuses to save an empty list unless forced', async (t) => {
    const home = createHome(t);
    await home.ok(['ping']);
    const refused = await home.run(['save']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /SHOAL_ERR_DUMP_EMPTY/);
    assert.match(refused.stderr, /--force/);
    assert.equal(existsSync(join(home.dir, 'dump.json')), false);

    await home.ok(['save', '--force']);
    assert.deepEqual(parseDump(readFileSync(join(home.dir, 'dump.json'), 'utf8')).doc.apps, []);
    const nothing = await home.ok(['resurrect']);
    assert.doesNotMatch(nothing.stdout, /online/);
  });

  it('keeps the previous dump as .bak and resurrects from it when dump.json is damaged', async (t) => {
    const home = createHome(t);
    await home.ok(['start', fixture('forever.js'), '--name', 'first']);
    await home.ok(['save']);
    await home.ok(['start', fixture('forever.js'), '--name', 'second']);
    await home.ok(['save']);
    const dumpFile = join(home.dir, 'dump.json');
    const bak = parseDump(readFileSync(`${dumpFile}.bak`, 'utf8')).doc;
    assert.deepEqual(
      bak.apps.map((a) => a.config.name),
      ['first'],
    );
    assert.equal(statSync(`${dumpFile}.bak`).mode & 0o777, 0o600);

    await home.ok(['kill']);
    writeFileSync(dumpFile, '{"version": 1, "apps": [{"conf');
    const res = await home.ok(['resurrect']);
    assert.match(res.stderr, /dump\.json cannot be used: it is not valid JSON.*dump\.json\.bak/);
    assert.deepEqual(await onlineCounts(home), { first: 1 });

    // A damaged dump.json is not kept as the backup: the next save keeps the good .bak.
    await home.ok(['save']);
    assert.deepEqual(
      parseDump(readFileSync(`${dumpFile}.bak`, 'utf8')).doc.apps.map((a) => a.config.name),
      ['first'],
    );
  });

  it('reports a missing dump and one from a newer Shoal with their codes', async (t) => {
    const home = createHome(t);
    const missing = await home.run(['resurrect']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /SHOAL_ERR_DUMP_NOT_FOUND/);

    writeFileSync(join(home.dir, 'dump.json'), JSON.stringify({ version: 99, apps: [] }));
    const newer = await home.run(['resurrect']);
    assert.equal(newer.code, 1);
    assert.match(newer.stderr, /newer Shoal \(dump version 99; this Shoal reads up to 1\)/);
    assert.match(newer.stderr, /SHOAL_ERR_DUMP_INVALID/);
  });

  it('loads a dump written in the older, unversioned format', async (t) => {
    const home = createHome(t);
    const envOut = join(home.dir, 'env.json');
    writeFileSync(
      join(home.dir, 'dump.json'),
      JSON.stringify([
        {
          config: {
            name: 'legacy',
            script: fixture('env-dump.js'),
            args: [envOut],
            cwd: home.dir,
            interpreter: 'node',
            exec_mode: 'fork',
            instances: 2,
          },
          cli_env: { LEGACY_VAR: 'kept' },
        },
      ]),
    );
    const res = await home.ok(['resurrect']);
    assert.match(res.stderr, /older format and was upgraded on read \(v0to1/);
    assert.deepEqual(await onlineCounts(home), { legacy: 2 });
    const env = await waitFor('env dump', () => readJson<{ env: Record<string, string> }>(envOut));
    assert.equal(env.env.LEGACY_VAR, 'kept');
  });

  it('never leaves a torn dump.json when the writer is killed in the middle of 30 saves', async (t) => {
    const home = createHome(t);
    const dumpFile = join(home.dir, 'dump.json');
    const children: ChildProcess[] = [];
    t.after(() => {
      for (const c of children) c.kill('SIGKILL');
    });
    // Most random kills land inside a save, some between two: keep killing until enough landed in one.
    const wanted = 30;
    const bound = { rounds: 300, ms: 90_000 };
    const started = Date.now();
    let midWrite = 0;
    let round = 0;
    for (; midWrite < wanted; round++) {
      if (round >= bound.rounds || Date.now() - started > bound.ms) {
        assert.fail(
          `only ${midWrite} of ${round} kills landed while a save was being written (wanted ${wanted} within ${bound.rounds} rounds and ${bound.ms} ms)`,
        );
      }
      const child = spawn(
        process.execPath,
        [fixture('dump-writer.mjs'), dumpFile, '150', String(round * 1000)],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      children.push(child);
      let completed = 0;
      child.stdout!.on('data', (d: Buffer) => {
        completed += String(d).split('\n').filter(Boolean).length;
      });
      // At least one complete save first, so that there is an old document to keep.
      await waitFor(`round ${round}: a first save`, () => completed > 0 || child.exitCode !== null);
      assert.equal(child.exitCode, null, `round ${round}: the writer is still saving`);
      // Not a wait for anything: the random moment of the kill, somewhere in the next few saves.
      await new Promise((r) => setTimeout(r, Math.random() * 40));
      child.kill('SIGKILL');
      await exited(child);
      const gens = generationsIn(readFileSync(dumpFile, 'utf8'));
      assert.equal(gens.size, 1, `round ${round}: dump.json holds one whole save, got ${[...gens]}`);
      const gen = Number([...gens][0]);
      assert.ok(gen >= round * 1000, `round ${round}: dump.json is from this round (${gen})`);
      if (existsSync(`${dumpFile}.bak`)) {
        assert.equal(generationsIn(readFileSync(`${dumpFile}.bak`, 'utf8')).size, 1, `round ${round}: .bak`);
      }
      // The writer names its temp files after its pid: one left behind means it died writing.
      if (tempFilesOf(home.dir, child.pid!).length > 0) midWrite++;
    }
    // Each writer removes the temp files of writers that died: only the last one's may be left.
    const temps = readdirSync(home.dir).filter((f) => f.endsWith('.tmp'));
    assert.ok(temps.length <= 2, `stray temp files: ${temps.join(', ')}`);
    t.diagnostic(`${round} kills, ${midWrite} of them while a save was being written`);
  });

  it('keeps a readable dump when the daemon is killed with SIGKILL while it writes a save', async (t) => {
    const home = createHome(t);
    // A short kill_timeout: `sleep` started from a background job ignores SIGINT and waits for the SIGKILL.
    const apps = Array.from({ length: 8 }, (_, i) => ({
      name: `sleeper-${i}`,
      script: 'sleep',
      interpreter: 'none',
      args: ['600'],
      kill_timeout: 300,
    }));
    const config = join(home.dir, 'many.config.json');
    writeFileSync(config, JSON.stringify({ apps }));
    // A large shell env makes every saved app big, so a save takes long enough to be hit.
    const big = { BIG_VALUE: 'y'.repeat(50_000) };
    await home.ok(['start', config], { env: big });
    await home.ok(['save']);
    const orphans: number[] = [];
    t.after(() => killOrphans(orphans));

    // The kill comes the moment the daemon creates a temp file of the save (watched), or, every other
    // round, at a random moment of the `shoal save` command; only kills that leave the daemon's temp
    // file behind landed in the write, and the test goes on until enough did.
    const wanted = 3;
    const bound = { rounds: 15, ms: 150_000 };
    const started = Date.now();
    let midWrite = 0;
    let round = 0;
    for (; midWrite < wanted; round++) {
      if (round >= bound.rounds || Date.now() - started > bound.ms) {
        assert.fail(
          `only ${midWrite} of ${round} daemon kills landed while a save was being written (wanted ${wanted} within ${bound.rounds} rounds and ${bound.ms} ms)`,
        );
      }
      if (round > 0) await home.ok(['resurrect']);
      await waitFor(
        `round ${round}: 8 apps online`,
        async () => (await home.list()).filter((p) => p.status === 'online').length === 8,
      );
      orphans.push(...(await home.list()).map((p) => p.pid).filter((p): p is number => p !== null));
      const daemon = home.daemonPid()!;
      const kill = () => {
        try {
          process.kill(daemon, 'SIGKILL');
        } catch {
          // already dead
        }
      };
      const watcher = watch(home.dir, (_event, name) => {
        // The temp file of dump.json itself, not of the .bak that comes first: a kill in the data write.
        if (round % 2 === 0 && name?.startsWith(`.dump.json.${daemon}.`)) kill();
      });
      const save = spawn(process.execPath, [BIN, 'save'], { env: home.env(big), stdio: 'ignore' });
      const random = setTimeout(kill, round % 2 === 0 ? 10_000 : 80 + Math.random() * 200);
      await exited(save);
      // A save that finished before either kill: the kill comes now, after it.
      kill();
      clearTimeout(random);
      watcher.close();
      await waitFor('daemon gone', () => !pidAlive(daemon));
      // Fork apps are detached and outlive a SIGKILLed daemon; end them before the next round (the next
      // daemon's recovery would stop them too, more slowly).
      killOrphans(orphans);
      const { doc } = parseDump(readFileSync(join(home.dir, 'dump.json'), 'utf8'));
      assert.equal(doc.apps.length, 8, `round ${round}: the dump lists every app`);
      if (tempFilesOf(home.dir, daemon).length > 0) midWrite++;
    }
    t.diagnostic(`${round} daemon kills, ${midWrite} of them while a save was being written`);
  });
});
