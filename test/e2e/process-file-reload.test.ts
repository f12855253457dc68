// The deploy loop: edit the process file, then `shoal reload <file>` (or startOrReload). Changed settings
// take effect, cluster apps are reloaded worker by worker under load with no failed request, fork apps are
// restarted, removed variables are gone from every process (read from /proc/<pid>/environ), and the output
// says per app what changed and what was done. Apps gone from the file are listed, or deleted with --prune.
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLoad } from '../helpers/load.js';
import { describe, it } from '../helpers/node-test.js';
import { createHome, fixture, freePort, type ShoalHome, waitFor } from '../helpers/shoal.js';

interface App {
  name: string;
  script: string;
  [key: string]: unknown;
}

function writeProcessFile(path: string, apps: App[]): void {
  writeFileSync(path, `module.exports = ${JSON.stringify({ apps }, null, 2)};\n`);
}

function environOf(pid: number): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

async function pidsOf(home: ShoalHome, name: string): Promise<number[]> {
  return (await home.list()).filter((p) => p.name === name).map((p) => p.pid!);
}

interface Outcome {
  name: string;
  action: string;
  changes: { added: string[]; removed: string[]; changed: string[] };
  error: { code: string; message: string } | null;
}
interface ApplyJson {
  apps: Outcome[];
  left_alone: string[];
  pruned: string[];
  processes: Array<{ id: number; name: string; pid: number | null; status: string }>;
}

const linuxOnly = process.platform === 'linux' ? false : 'reads /proc/<pid>/environ, which only Linux has';

describe('applying an edited process file', { skip: linuxOnly }, () => {
  it('reloads a cluster app with the new settings under load with 0 failed requests, and restarts a fork app', async (t) => {
    const home = createHome(t);
    const port = await freePort();
    const file = join(home.dir, 'ecosystem.config.js');
    const web = (env: Record<string, string>, instances: number): App => ({
      name: 'web',
      script: fixture('http-hello.js'),
      exec_mode: 'cluster',
      instances,
      env: { PORT: String(port), ...env },
    });
    const job = (env: Record<string, string>): App => ({ name: 'job', script: fixture('forever.js'), env });
    writeProcessFile(file, [web({ OLD_SECRET: 's3cret', API_URL: 'http://a' }, 2), job({ JOB_MODE: 'one' })]);
    await home.ok(['start', file]);
    const before = await home.list();
    assert.deepEqual(
      before.map((p) => [p.name, p.status]),
      [
        ['web', 'online'],
        ['web', 'online'],
        ['job', 'online'],
      ],
    );

    const load = startLoad({ port, clients: 8, keepAlive: true, maxDurationMs: 120_000 });
    t.after(() => load.stop());
    await load.waitForResponses(300);

    writeProcessFile(file, [web({ API_URL: 'http://b', FEATURE: 'on' }, 3), job({ JOB_MODE: 'two' })]);
    const res = await home.ok(['reload', file]);
    await load.waitForResponses(load.ok + 200);
    const result = await load.stop();
    assert.equal(
      result.failed,
      0,
      `failed requests: ${JSON.stringify(result.errors)} of ${result.ok + result.failed}`,
    );

    // What changed and what was done, per app; never a value.
    assert.match(res.stdout, /^web: reloaded \(workers replaced one by one\)$/m);
    assert.match(res.stdout, /changed env\.API_URL, instances; added env\.FEATURE; removed env\.OLD_SECRET/);
    assert.match(res.stdout, /^job: restarted /m);
    assert.match(res.stdout, /changed env\.JOB_MODE/);
    assert.match(res.stdout, /reloaded 2 worker\(s\) one by one .*ready by listening/);
    assert.doesNotMatch(res.stdout, /s3cret/);

    const after = await home.list();
    const webs = after.filter((p) => p.name === 'web');
    assert.equal(webs.length, 3, 'instances 2 -> 3');
    // The two workers that were there keep their ids; every process is new.
    for (const b of before)
      assert.ok(
        after.some((a) => a.id === b.id && a.pid !== b.pid),
        `id ${b.id} kept, new pid`,
      );
    for (const p of after) {
      assert.equal(p.status, 'online');
      const env = environOf(p.pid!);
      assert.equal(env.OLD_SECRET, undefined, `OLD_SECRET is gone from ${p.name} pid ${p.pid}`);
      if (p.name === 'web') {
        assert.equal(env.API_URL, 'http://b');
        assert.equal(env.FEATURE, 'on');
      } else {
        assert.equal(env.JOB_MODE, 'two');
      }
    }

    // And back down to 2 under load: the extra worker drains first, the others are replaced.
    const again = startLoad({ port, clients: 8, keepAlive: true, maxDurationMs: 120_000 });
    t.after(() => again.stop());
    await again.waitForResponses(300);
    writeProcessFile(file, [web({ API_URL: 'http://c' }, 2), job({ JOB_MODE: 'two' })]);
    const down = await home.ok(['reload', file]);
    assert.match(down.stdout, /web: scaled from 3 to 2 workers/);
    await again.waitForResponses(again.ok + 200);
    const second = await again.stop();
    assert.equal(
      second.failed,
      0,
      `failed requests: ${JSON.stringify(second.errors)} of ${second.ok + second.failed}`,
    );
    const final = (await home.list()).filter((p) => p.name === 'web');
    assert.equal(final.length, 2);
    for (const p of final) assert.equal(environOf(p.pid!).API_URL, 'http://c');
  });

  it('starts what is not running, lists apps gone from the file, and deletes them with --prune (startOrRestart)', async (t) => {
    const home = createHome(t);
    const file = join(home.dir, 'ecosystem.config.js');
    const app = (name: string, extra: Record<string, unknown> = {}): App => ({
      name,
      script: fixture('forever.js'),
      ...extra,
    });
    writeProcessFile(file, [app('a'), app('b')]);
    await home.ok(['start', file]);
    await home.ok(['start', fixture('forever.js'), '--name', 'outsider']);
    const [aPid] = await pidsOf(home, 'a');

    writeProcessFile(file, [app('a', { args: ['--new-arg'] }), app('c')]);
    const kept = JSON.parse((await home.ok(['startOrRestart', file, '--json'])).stdout) as ApplyJson;
    assert.deepEqual(
      kept.apps.map((o) => [o.name, o.action]),
      [
        ['a', 'restarted'],
        ['c', 'started'],
      ],
    );
    assert.deepEqual(kept.apps[0]!.changes.changed, ['args']);
    assert.deepEqual(kept.left_alone, ['b'], 'b came from the file, outsider did not');
    const names = (await home.list()).map((p) => p.name).sort();
    assert.deepEqual(names, ['a', 'b', 'c', 'outsider']);
    const [aNow] = await pidsOf(home, 'a');
    assert.notEqual(aNow, aPid);
    assert.ok(readFileSync(`/proc/${aNow}/cmdline`, 'utf8').includes('--new-arg'), 'the new args are used');

    const pruned = await home.ok(['startOrReload', file, '--prune']);
    assert.match(pruned.stdout, /^b: no longer in .*: deleted \(--prune\)$/m);
    assert.deepEqual((await home.list()).map((p) => p.name).sort(), ['a', 'c', 'outsider']);

    // stop and delete act on the file's apps only, and --only narrows them further.
    await home.ok(['stop', file, '--only', 'c']);
    const statuses = Object.fromEntries((await home.list()).map((p) => [p.name, p.status]));
    assert.deepEqual(statuses, { a: 'online', c: 'stopped', outsider: 'online' });
    await home.ok(['delete', file]);
    assert.deepEqual(
      (await home.list()).map((p) => p.name),
      ['outsider'],
    );
  });

  it('changes nothing when the file is invalid or --only names an app it does not define', async (t) => {
    const home = createHome(t);
    const file = join(home.dir, 'ecosystem.config.js');
    writeProcessFile(file, [{ name: 'a', script: fixture('forever.js') }]);
    await home.ok(['start', file]);
    const before = await home.list();

    const unknown = await home.run(['reload', file, '--only', 'nope']);
    assert.equal(unknown.code, 1);
    assert.match(
      unknown.stderr,
      /--only nope: nope is not an app of .*ecosystem\.config\.js.*\[SHOAL_ERR_APP_NOT_FOUND\]/,
    );

    writeProcessFile(file, [{ name: 'a', script: fixture('forever.js'), instances: 'lots' }]);
    const invalid = await home.run(['reload', file]);
    assert.equal(invalid.code, 1);
    assert.match(invalid.stderr, /ecosystem\.config\.js/);
    assert.match(invalid.stderr, /instances/);
    assert.match(invalid.stderr, /\[SHOAL_ERR_CONFIG_INVALID\]/);
    assert.deepEqual(
      (await home.list()).map((p) => [p.id, p.pid, p.restarts]),
      before.map((p) => [p.id, p.pid, p.restarts]),
    );
  });

  it('applies new log files, a new cron_restart and a new memory limit to running apps', async (t) => {
    const home = createHome(t);
    const file = join(home.dir, 'ecosystem.config.js');
    const script = join(home.dir, 'hello.js');
    writeFileSync(script, "console.log('hello from ' + process.pid); setInterval(() => {}, 1000);\n");
    const logFile = (name: string) => join(home.dir, `${name}.log`);
    const apps = (v: 1 | 2): App[] => [
      { name: 'flog', script, out_file: logFile(`flog-${v}`) },
      {
        name: 'clog',
        script,
        exec_mode: 'cluster',
        instances: 2,
        listen_timeout: 500,
        out_file: logFile(`clog-${v}`),
      },
      { name: 'ticker', script, ...(v === 2 ? { cron_restart: '*/2 * * * * *' } : {}) },
      { name: 'hog', script, ...(v === 2 ? { max_memory_restart: '1M' } : {}) },
    ];
    writeProcessFile(file, apps(1));
    await home.ok(['start', file]);
    writeProcessFile(file, apps(2));
    const res = await home.ok(['reload', file]);
    assert.match(res.stdout, /^ticker: restarted .*\n {2}added cron_restart$/m);
    assert.match(res.stdout, /^hog: restarted .*\n {2}added max_memory_restart$/m);
    assert.match(res.stdout, /^clog: reloaded .*\n {2}changed out_file$/m);

    // Every process after the reload writes to the new file.
    for (const name of ['flog', 'clog']) {
      const pids = await pidsOf(home, name);
      await waitFor(`${name}'s new processes in its new log file`, () => {
        let text = '';
        try {
          text = readFileSync(logFile(`${name}-2`), 'utf8');
        } catch {
          return false;
        }
        return pids.every((pid) => text.includes(`hello from ${pid}`));
      });
    }
    // The new schedule and the new limit are acted on: both apps get restarted by the daemon itself.
    const restartsOf = async (name: string) => (await home.list()).find((p) => p.name === name)!.restarts;
    const tickerBase = await restartsOf('ticker');
    const hogBase = await restartsOf('hog');
    await waitFor('a cron restart of ticker', async () => (await restartsOf('ticker')) > tickerBase);
    await waitFor('a memory-limit restart of hog', async () => (await restartsOf('hog')) > hogBase);
  });

  it('deletes and starts again an app whose exec_mode changed, and says so', async (t) => {
    const home = createHome(t);
    const file = join(home.dir, 'ecosystem.config.js');
    const app = (mode: string): App => ({
      name: 'svc',
      script: fixture('forever.js'),
      exec_mode: mode,
      instances: 2,
      listen_timeout: 500,
    });
    writeProcessFile(file, [app('fork')]);
    await home.ok(['start', file]);
    writeProcessFile(file, [app('cluster')]);
    const res = JSON.parse((await home.ok(['reload', file, '--json'])).stdout) as ApplyJson;
    assert.equal(res.apps[0]!.action, 'recreated');
    assert.deepEqual(res.apps[0]!.changes.changed, ['exec_mode']);
    const list = await home.list();
    assert.deepEqual(
      list.map((p) => [p.mode, p.status]),
      [
        ['cluster', 'online'],
        ['cluster', 'online'],
      ],
    );
  });

  it('deletes and starts again a cluster app whose balancer changed, which then serves with the new one', async (t) => {
    const home = createHome(t);
    const port = await freePort();
    const file = join(home.dir, 'ecosystem.config.js');
    const app = (balancer: string): App => ({
      name: 'web',
      script: fixture('http-hello.js'),
      instances: 2,
      balancer,
      env: { PORT: String(port) },
    });
    writeProcessFile(file, [app('round-robin')]);
    await home.ok(['start', file]);
    writeProcessFile(file, [app('least-connections')]);
    const res = JSON.parse((await home.ok(['reload', file, '--json'])).stdout) as ApplyJson;
    assert.equal(res.apps[0]!.action, 'recreated');
    assert.deepEqual(res.apps[0]!.changes.changed, ['balancer']);
    await waitFor('two workers online', async () => {
      const list = await home.list();
      return list.length === 2 && list.every((p) => p.status === 'online');
    });
    const answer = await waitFor('an answer from the app', async () => {
      try {
        return await (await fetch(`http://127.0.0.1:${port}/`)).text();
      } catch {
        return null;
      }
    });
    assert.match(answer, /hello from \d+/);
    const [d] = await home.describe('web');
    assert.equal(d!.config.balancer, 'least-connections');
  });

  it('reports an app whose reload failed with its code, keeps its old workers serving, and goes on with the rest', async (t) => {
    const home = createHome(t);
    const port = await freePort();
    const file = join(home.dir, 'ecosystem.config.js');
    const script = join(home.dir, 'app.js');
    copyFileSync(fixture('http-hello.js'), script);
    writeFileSync(join(home.dir, 'package.json'), '{"type":"commonjs"}');
    writeProcessFile(file, [
      { name: 'web', script, instances: 2, listen_timeout: 3000, env: { PORT: String(port) } },
      { name: 'job', script: fixture('forever.js') },
    ]);
    await home.ok(['start', file]);
    const before = await home.list();
    copyFileSync(fixture('broken-app.js'), script);
    const res = await home.run(['reload', file, '--json']);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /shoal: web: Reload of web stopped: .*old workers keep serving/);
    assert.match(res.stderr, /\[SHOAL_ERR_RELOAD_FAILED\]/);
    const doc = JSON.parse(res.stdout) as ApplyJson & {
      apps: Array<Outcome & { error: { code: string } | null }>;
    };
    assert.deepEqual(
      doc.apps.map((a) => [a.name, a.action, a.error?.code ?? null]),
      [
        ['web', 'failed', 'SHOAL_ERR_RELOAD_FAILED'],
        ['job', 'restarted', null],
      ],
    );
    const after = await home.list();
    const pids = (l: typeof after, name: string) => l.filter((p) => p.name === name).map((p) => p.pid);
    assert.deepEqual(pids(after, 'web'), pids(before, 'web'), 'the old web workers keep serving');
    assert.notDeepEqual(pids(after, 'job'), pids(before, 'job'), 'job was restarted all the same');
  });
});
