// `shoal run` as a container's entrypoint: PID 1 of a new PID namespace (unshare --pid --fork
// --mount-proc, the isolation a container runtime gives), serving, reaping an orphan, answering probes,
// stopping gracefully on SIGTERM, and exiting non-zero when an app crash-loops.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { describe, it } from '../helpers/node-test.js';
import { BIN, childrenOf, createHome, fixture, freePort, type ShoalHome, waitFor } from '../helpers/shoal.js';

// A new PID namespace needs root (or user namespaces); without it there is nothing to test here.
const probe = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true'], { encoding: 'utf8' });
const noNamespaces =
  probe.status === 0 ? false : `cannot create a PID namespace here: ${probe.stderr || probe.error?.message}`;

interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  /** The host pid of the namespace's PID 1 (the `shoal run` process); null when not in a namespace. */
  pid1: () => Promise<number>;
}

/** Starts `shoal run args` (as PID 1 of a new PID namespace when `namespace`), killed when the test ends. */
function shoalRun(t: TestContext, home: ShoalHome, args: string[], namespace: boolean): Running {
  const argv = [BIN, 'run', ...args];
  const child = namespace
    ? spawn('unshare', ['--pid', '--fork', '--mount-proc', process.execPath, ...argv], { env: home.env() })
    : spawn(process.execPath, argv, { env: home.env() });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const pid1 = () =>
    namespace
      ? waitFor('the namespace PID 1', () => childrenOf(child.pid ?? -1)[0])
      : Promise.resolve(child.pid ?? -1);
  t.after(async () => {
    if (child.exitCode !== null) return;
    for (const pid of [...childrenOf(child.pid ?? -1), child.pid ?? -1]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    await exited;
  });
  return { child, stdout: () => out, stderr: () => err, exited, pid1 };
}

/** The host pid of the process that is `nsPid` in the PID namespace of host pid `inside`. */
function hostPidOf(nsPid: number, inside: number): number | null {
  const ns = readlinkSync(`/proc/${inside}/ns/pid`);
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readlinkSync(`/proc/${name}/ns/pid`) !== ns) continue;
      const line = readFileSync(`/proc/${name}/status`, 'utf8').match(/^NSpid:\s+(.*)$/m)?.[1] ?? '';
      if (Number(line.trim().split(/\s+/).at(-1)) === nsPid) return Number(name);
    } catch {
      // gone meanwhile
    }
  }
  return null;
}

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function processFile(home: ShoalHome, apps: Record<string, unknown>[]): string {
  const file = join(home.dir, 'app.config.json');
  writeFileSync(file, JSON.stringify({ apps }));
  return file;
}

describe('shoal run', { skip: noNamespaces }, () => {
  it('serves as PID 1, reaps an orphan, answers probes and stops on SIGTERM with 0 within kill_timeout', async (t) => {
    const home = createHome(t);
    const [port, healthPort] = [await freePort(), await freePort()];
    const killTimeout = 3000;
    const file = processFile(home, [
      {
        name: 'web',
        script: fixture('orphan-maker.js'),
        env: { PORT: String(port), ORPHAN_MS: '300' },
        kill_timeout: killTimeout,
      },
    ]);
    const run = shoalRun(t, home, [file, '--health-port', String(healthPort)], true);
    const health = `http://127.0.0.1:${healthPort}`;
    await waitFor('/readyz answering 200', async () => (await getJson(`${health}/readyz`)).status === 200);
    const alive = await getJson(`${health}/healthz`);
    assert.equal(alive.status, 200);
    assert.equal(alive.body.pid, 1, 'shoal run is PID 1 of its namespace');

    // Serves: the app answers through its port.
    const hello = await waitFor('the app answering', async () =>
      (await fetch(`http://127.0.0.1:${port}/`)).text(),
    );
    assert.match(hello, /^hello from \d+/);

    // An orphan: handed to PID 1 once its parent exits, then reaped by it after it ends.
    const orphan = (await getJson(`http://127.0.0.1:${port}/orphan`)).body;
    assert.equal(orphan.ppid, 1, `the orphan was handed to PID 1: ${JSON.stringify(orphan)}`);
    await waitFor(
      `orphan ${orphan.pid} reaped (not left a zombie)`,
      async () => (await getJson(`http://127.0.0.1:${port}/orphan/${orphan.pid}`)).body.state === 'gone',
      { timeoutMs: 10_000 },
    );

    // The CLI works against it inside the "container" (same SHOAL_HOME).
    const [listed] = await home.list();
    assert.equal(listed?.name, 'web');
    assert.equal(listed?.status, 'online');
    const logs = await home.ok(['logs', 'web', '--nostream', '--raw']);
    assert.match(logs.stdout, /listening on \d+/, 'shoal logs reads what the run writes');
    await home.ok(['reload', 'web']);
    await waitFor('web online after reload', async () => (await home.list())[0]?.status === 'online');

    const pid1 = await run.pid1();
    const t0 = Date.now();
    process.kill(pid1, 'SIGTERM');
    const code = await run.exited;
    const took = Date.now() - t0;
    assert.equal(code, 0, `exit code 0 after a clean stop; stderr: ${run.stderr()}`);
    assert.ok(took < killTimeout + 5000, `stopped within kill_timeout plus margin (${took} ms)`);
    assert.match(run.stdout(), /^0\|web\| listening on \d+$/m);
    assert.match(
      run.stdout(),
      /^0\|web\| stopping on SIGINT$/m,
      'the lines written while stopping are echoed',
    );
    assert.equal(home.daemonPid(), null, 'no daemon is left behind');
  });

  it('still notices a cluster primary dying while it reaps orphans as PID 1', async (t) => {
    const home = createHome(t);
    const port = await freePort();
    const file = processFile(home, [
      { name: 'cl', script: fixture('http-hello.js'), instances: 2, env: { PORT: String(port) } },
    ]);
    const run = shoalRun(t, home, [file], true);
    // The CLI starts a daemon of its own when none answers yet, and `shoal run` exits when it finds one
    // serving its home: talk to the home only once the run's app answers.
    await waitFor('the app answering', async () => (await fetch(`http://127.0.0.1:${port}/`)).text());
    const before = await waitFor('two workers online', async () => {
      const d = await home.describe('cl').catch(() => []);
      return d.length === 2 && d.every((p) => p.status === 'online') ? d : null;
    });
    const primary = hostPidOf(before[0]!.primary!.pid!, await run.pid1());
    assert.ok(primary !== null, 'the primary found from outside the namespace');
    process.kill(primary, 'SIGKILL');
    await waitFor(
      'the primary restarted and both workers online again',
      async () => {
        const d = await home.describe('cl');
        return d[0]?.primary?.restarts === 1 && d.length === 2 && d.every((p) => p.status === 'online');
      },
      { timeoutMs: 30_000 },
    );
    process.kill(await run.pid1(), 'SIGTERM');
    assert.equal(await run.exited, 0, run.stderr());
  });

  it('kills an app that ignores the stop signal after its kill_timeout, and still exits 0', async (t) => {
    const home = createHome(t);
    const killTimeout = 1500;
    const file = processFile(home, [
      { name: 'stubborn', script: fixture('ignore-signals.js'), kill_timeout: killTimeout },
    ]);
    const run = shoalRun(t, home, [file], true);
    await waitFor('the app ready', () => /0\|stubborn\| ready$/m.test(run.stdout()));
    const t0 = Date.now();
    process.kill(await run.pid1(), 'SIGTERM');
    const code = await run.exited;
    const took = Date.now() - t0;
    assert.equal(code, 0, `a stop that needed SIGKILL is still a clean stop; stderr: ${run.stderr()}`);
    assert.ok(took >= killTimeout - 100, `waited for kill_timeout before SIGKILL (${took} ms)`);
    assert.ok(took < killTimeout + 5000, `then exited at once (${took} ms)`);
    assert.match(run.stdout(), /^0\|stubborn\| got SIGINT, ignoring$/m);
  });

  it('exits with the code of an app that crash-loops', async (t) => {
    const home = createHome(t);
    const file = processFile(home, [
      { name: 'crasher', script: fixture('exit-code.js'), args: ['3'], max_restarts: 2, min_uptime: 1000 },
    ]);
    const run = shoalRun(t, home, [file], true);
    const code = await Promise.race([
      run.exited,
      new Promise<string>((r) => setTimeout(() => r('still running after 30 s'), 30_000)),
    ]);
    assert.equal(code, 3, `stderr: ${run.stderr()}`);
    assert.match(run.stderr(), /crasher \(id 0\) errored: .*crash loop/);
    assert.match(run.stderr(), /^0\|crasher\| exit-code fixture: exiting with 3$/m);
  });

  it('writes JSON log lines with --json-logs, one per instance and line', async (t) => {
    const home = createHome(t);
    const run = shoalRun(
      t,
      home,
      [
        fixture('print-lines.js'),
        '--name',
        'printer',
        '-i',
        '2',
        '--exec-mode',
        'fork',
        '--json-logs',
        '--',
        '3',
      ],
      false,
    );
    const lines = await waitFor('three lines and "done" from each of the two instances', () => {
      const parsed = run
        .stdout()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { app: string; instance: number; stream: string; message: string });
      return parsed.filter((l) => l.message === 'done').length === 2 ? parsed : null;
    });
    assert.deepEqual(new Set(lines.map((l) => l.instance)), new Set([0, 1]));
    assert.equal(lines.length, 8);
    assert.ok(lines.every((l) => l.app === 'printer' && l.stream === 'out'));
    for (const instance of [0, 1]) {
      const own = lines.filter((l) => l.instance === instance).map((l) => l.message);
      assert.deepEqual(own, ['line 0 of 3', 'line 1 of 3', 'line 2 of 3', 'done'], 'whole lines, in order');
    }
    process.kill(await run.pid1(), 'SIGINT');
    assert.equal(await run.exited, 0, `stderr: ${run.stderr()}`);
  });
});
