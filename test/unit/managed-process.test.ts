// ManagedProcess's life cycle on a scripted child (test/helpers/fake-child.ts): readiness and its
// timeout, the kill timer, restarts and their delay, crash-loop give-up, stop_exit_codes, autorestart.
// node:test's mock timers drive setTimeout and Date, so listen_timeout, kill_timeout, restart_delay and
// uptimes pass exactly when the test says, and no test waits for real time.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { type AppConfig, AppConfigSchema } from '../../src/protocol/app-config.js';
import { ManagedProcess, type ReadyOutcome } from '../../src/supervision/managed-process.js';
import type { TransitionEvent } from '../../src/supervision/process-events.js';
import { type FakeChildOptions, FakeLauncher } from '../helpers/fake-child.js';
import { describe, it } from '../helpers/node-test.js';

const app = (overrides: Partial<AppConfig> = {}): AppConfig =>
  AppConfigSchema.parse({
    name: 'unit',
    script: '/srv/unit/app.js',
    cwd: '/srv/unit',
    interpreter: 'node',
    exec_mode: 'fork',
    instances: 1,
    ...overrides,
  });

/** Lets exit handling run to its end: it waits for the child's output streams, which end on later ticks. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

function setup(t: TestContext, overrides: Partial<AppConfig> = {}, child: FakeChildOptions = {}) {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
  const launcher = new FakeLauncher({ streams: true, ...child });
  const proc = new ManagedProcess(0, 0, app(overrides), launcher.launch, {
    out: null,
    err: null,
    timestamp: null,
  });
  const transitions: TransitionEvent[] = [];
  proc.on('transition', (e) => transitions.push(e));
  return {
    proc,
    launcher,
    transitions,
    /** Moves the mocked clock and its timers forward, then lets what they started finish. */
    async advance(ms: number) {
      t.mock.timers.tick(ms);
      await settle();
    },
    path: () => transitions.map((e) => e.to),
  };
}

/** The outcome of waitReady once it has settled, or 'pending'. */
async function outcomeOf(p: Promise<ReadyOutcome>): Promise<ReadyOutcome | 'pending'> {
  let outcome: ReadyOutcome | 'pending' = 'pending';
  void p.then((o) => {
    outcome = o;
  });
  await settle();
  return outcome;
}

describe('managed process: readiness', () => {
  it('is online as soon as it is spawned when it neither signals ready nor listens (fork mode)', async (t) => {
    const { proc } = setup(t);
    proc.start();
    assert.equal(proc.status, 'online');
    assert.equal(proc.statusReason, 'spawned');
    assert.equal(await outcomeOf(proc.waitReady()), 'ready');
  });

  it('goes online with the timeout as its reason when listen_timeout passes without a ready signal', async (t) => {
    const { proc, advance } = setup(t, { wait_ready: true, listen_timeout: 3000 });
    proc.start();
    const ready = proc.waitReady();
    await advance(2999);
    assert.equal(proc.status, 'launching');
    assert.equal(await outcomeOf(ready), 'pending');
    await advance(1);
    assert.equal(proc.status, 'online');
    assert.equal(proc.statusReason, 'no ready signal within listen_timeout (3000 ms)');
    assert.equal(await outcomeOf(ready), 'timeout');
    assert.equal(proc.readyConfirmed, false);
    assert.equal(await outcomeOf(proc.waitReady()), 'timeout', 'a later wait gets the same answer');
  });

  it('names listening in the timeout reason of a process that can report it', async (t) => {
    const { proc, advance } = setup(t, { listen_timeout: 500 }, { canListen: true });
    proc.start();
    await advance(500);
    assert.equal(proc.statusReason, 'no listening within listen_timeout (500 ms)');
  });

  for (const message of ['ready', { type: 'shoal:ready' }]) {
    it(`is ready on the ready message ${JSON.stringify(message)} with wait_ready`, async (t) => {
      const { proc, launcher, advance } = setup(t, { wait_ready: true, listen_timeout: 3000 });
      proc.start();
      const ready = proc.waitReady();
      await advance(1000);
      launcher.current.message(message);
      assert.equal(proc.status, 'online');
      assert.equal(proc.statusReason, 'ready signal received');
      assert.equal(await outcomeOf(ready), 'ready');
      // The listen_timeout timer was cleared: nothing changes when it would have fired.
      await advance(5000);
      assert.equal(proc.statusReason, 'ready signal received');
    });
  }

  it('is ready when a process that can report it listens', async (t) => {
    const { proc, launcher } = setup(t, {}, { canListen: true });
    proc.start();
    assert.equal(proc.status, 'launching');
    const ready = proc.waitReady();
    launcher.current.listening();
    assert.equal(proc.status, 'online');
    assert.equal(proc.statusReason, 'listening');
    assert.equal(await outcomeOf(ready), 'ready');
  });

  it('counts a ready signal that comes after the timeout as confirmed readiness', async (t) => {
    const { proc, launcher, advance } = setup(t, { wait_ready: true, listen_timeout: 100 });
    proc.start();
    await advance(100);
    assert.equal(await outcomeOf(proc.waitReady()), 'timeout');
    launcher.current.message('ready');
    assert.equal(await outcomeOf(proc.waitReady()), 'ready');
  });

  it('ignores other messages while waiting for the ready signal', async (t) => {
    const { proc, launcher } = setup(t, { wait_ready: true });
    const seen: unknown[] = [];
    proc.on('message', (m) => seen.push(m));
    proc.start();
    launcher.current.message({ type: 'app:hello' });
    launcher.current.message('readyish');
    assert.equal(proc.status, 'launching');
    assert.deepEqual(seen, [{ type: 'app:hello' }, 'readyish'], 'messages are passed on');
  });
});

describe('managed process: stopping', () => {
  it('asks the process to stop, then kills it after kill_timeout when it does not exit', async (t) => {
    const { proc, launcher, advance, path } = setup(t, { kill_timeout: 2000 }, { onStopRequest: 'ignore' });
    proc.start();
    const child = launcher.current;
    let stopped = false;
    const stopping = proc.stop().then(() => {
      stopped = true;
    });
    assert.equal(proc.status, 'stopping');
    assert.deepEqual(child.stopRequests, [{ signal: 'SIGINT', viaMessage: false }]);
    await advance(1999);
    assert.equal(child.forceKills, 0, 'no force kill before kill_timeout');
    assert.equal(stopped, false);
    await advance(1);
    assert.equal(child.forceKills, 1);
    await stopping;
    assert.equal(proc.status, 'stopped');
    assert.equal(proc.lastExit?.signal, 'SIGKILL');
    assert.equal(proc.statusReason, 'stopped (killed by SIGKILL)');
    assert.deepEqual(path(), ['launching', 'online', 'stopping', 'stopped']);
    assert.equal(launcher.children.length, 1, 'a stop is not followed by a restart');
  });

  it('does not force-kill a process that exits when asked, and uses kill_signal and shutdown_with_message', async (t) => {
    const { proc, launcher, advance } = setup(t, {
      kill_timeout: 2000,
      kill_signal: 'SIGTERM',
      shutdown_with_message: true,
    });
    proc.start();
    await proc.stop();
    assert.deepEqual(launcher.current.stopRequests, [{ signal: 'SIGTERM', viaMessage: true }]);
    await advance(10_000);
    assert.equal(launcher.current.forceKills, 0);
    assert.equal(proc.status, 'stopped');
  });

  it('stops during a restart delay without launching again', async (t) => {
    const { proc, launcher, advance } = setup(t, { restart_delay: 5000 });
    proc.start();
    launcher.current.exit({ code: 1, signal: null });
    await settle();
    assert.equal(proc.status, 'launching');
    assert.equal(proc.statusReason, 'exited with code 1 after 0 ms (unstable); restarting in 5000 ms');
    assert.equal(proc.nextRestartAt, Date.now() + 5000);
    await advance(2000);
    await proc.stop();
    assert.equal(proc.status, 'stopped');
    assert.equal(proc.nextRestartAt, null);
    await advance(10_000);
    assert.equal(launcher.children.length, 1, 'the delayed restart was cancelled');
    assert.equal(proc.status, 'stopped');
  });

  it('restarts after restart_delay when nothing stops it', async (t) => {
    const { proc, launcher, advance } = setup(t, { restart_delay: 5000 });
    proc.start();
    launcher.current.exit({ code: 1, signal: null });
    await settle();
    await advance(4999);
    assert.equal(launcher.children.length, 1);
    await advance(1);
    assert.equal(launcher.children.length, 2);
    assert.equal(proc.status, 'online');
    assert.equal(proc.restarts, 1);
  });

  it('counts a restart and runs a new child', async (t) => {
    const { proc, launcher } = setup(t);
    proc.start();
    const first = launcher.current;
    await proc.restart('restarted by user');
    assert.notEqual(launcher.current, first);
    assert.equal(proc.pid, launcher.current.pid);
    assert.equal(proc.restarts, 1);
    assert.equal(proc.lastRestartReason, 'restarted by user');
    assert.equal(proc.status, 'online');
  });
});

describe('managed process: exits and the restart policy', () => {
  it('answers readiness waiters with "exited" when the process dies before it is ready, then restarts it', async (t) => {
    const { proc, launcher, advance } = setup(t, { wait_ready: true, listen_timeout: 3000 });
    proc.start();
    const ready = proc.waitReady();
    await advance(100);
    launcher.current.exit({ code: 2, signal: null });
    assert.equal(await outcomeOf(ready), 'exited');
    assert.equal(proc.restarts, 1);
    assert.equal(launcher.children.length, 2, 'the restart policy applies: launched again');
    assert.equal(proc.status, 'launching');
    assert.equal(proc.lastExit?.code, 2);
    assert.equal(proc.lastExit?.uptime, 100);
    // The first run's listen_timeout does not touch the second run.
    await advance(2900);
    assert.equal(proc.status, 'launching');
    await advance(100);
    assert.equal(proc.status, 'online');
  });

  it('gives up after max_restarts runs shorter than min_uptime, errored with the reason', async (t) => {
    const { proc, launcher, advance } = setup(t, { max_restarts: 2, min_uptime: 1000 });
    proc.start();
    for (let run = 1; run <= 3; run++) {
      // 50 ms runs, after the implicit backoff (0, then 100 ms) of a crash loop.
      await advance(150);
      launcher.current.exit({ code: 1, signal: null });
      await settle();
    }
    assert.equal(launcher.children.length, 3);
    assert.equal(proc.restarts, 2);
    assert.equal(proc.status, 'errored');
    assert.equal(
      proc.statusReason,
      'exited with code 1; crash loop: 2 restarts in a row each lasting less than min_uptime (1000 ms) without ever serving, max_restarts is 2',
    );
    await advance(60_000);
    assert.equal(launcher.children.length, 3, 'nothing is launched after giving up');
    assert.equal(await outcomeOf(proc.waitReady()), 'exited');
  });

  it('keeps restarting, backing off, a process killed again and again after it served', async (t) => {
    const { proc, launcher, advance } = setup(t, { max_restarts: 2, min_uptime: 1000 }, { canListen: true });
    proc.start();
    for (let run = 1; run <= 10; run++) {
      launcher.current.listening();
      await advance(100);
      launcher.current.exit({ code: null, signal: 'SIGKILL' });
      await settle();
      // The backoff passes, then the next run starts.
      if (run < 10 && proc.nextRestartAt !== null) await advance(proc.nextRestartAt - Date.now());
    }
    assert.equal(proc.restarts, 10);
    assert.equal(proc.status, 'launching');
    assert.equal(proc.lastRestartReason, 'killed by SIGKILL after 100 ms (unstable)');
    assert.equal(proc.nextRestartAt! - Date.now(), 1000, 'backed off to the 1 s cap');
  });

  it('does not count a run longer than min_uptime towards the crash loop', async (t) => {
    const { proc, launcher, advance } = setup(t, { max_restarts: 1, min_uptime: 1000 });
    proc.start();
    for (let run = 1; run <= 4; run++) {
      await advance(1500);
      launcher.current.exit({ code: 1, signal: null });
      await settle();
    }
    assert.equal(proc.status, 'online');
    assert.equal(proc.restarts, 4);
    assert.equal(proc.unstableRestarts, 0);
  });

  it('stays stopped after an exit code listed in stop_exit_codes, and restarts other codes', async (t) => {
    const { proc, launcher } = setup(t, { stop_exit_codes: [0, 3] });
    proc.start();
    launcher.current.exit({ code: 2, signal: null });
    await settle();
    assert.equal(proc.restarts, 1);
    launcher.current.exit({ code: 3, signal: null });
    await settle();
    assert.equal(proc.status, 'stopped');
    assert.equal(proc.statusReason, 'exited with code 3, listed in stop_exit_codes');
    assert.equal(launcher.children.length, 2);
    assert.equal(proc.restarts, 1);
  });

  it('stays stopped after any exit with autorestart off', async (t) => {
    const { proc, launcher, advance } = setup(t, { autorestart: false });
    proc.start();
    launcher.current.exit({ code: null, signal: 'SIGSEGV' });
    await settle();
    await advance(60_000);
    assert.equal(proc.status, 'stopped');
    assert.equal(proc.statusReason, 'killed by SIGSEGV; autorestart is off');
    assert.equal(launcher.children.length, 1);
    assert.equal(proc.restarts, 0);
  });

  it('puts a process that cannot be spawned in errored at once, without retrying it', async (t) => {
    const { proc, launcher } = setup(t, { max_restarts: 2 });
    launcher.failWith = new Error('spawn /nonexistent/node ENOENT');
    proc.start();
    await settle();
    assert.equal(launcher.attempts, 1, 'a spawn that cannot happen is not a crash to retry');
    assert.equal(proc.status, 'errored');
    assert.equal(proc.statusReason, 'cannot start: spawn /nonexistent/node ENOENT');
    assert.equal(proc.lastExit?.reason, 'cannot start: spawn /nonexistent/node ENOENT');
    assert.equal(proc.restarts, 0);
    assert.equal(proc.pid, null);
  });

  it('takes a spawn error reported with the exit event the same way, even with autorestart off', async (t) => {
    const { proc, launcher } = setup(t, { autorestart: false });
    proc.start();
    launcher.current.exit({ code: null, signal: null, spawnError: 'spawn python9 ENOENT' });
    await settle();
    assert.equal(proc.lastExit?.reason, 'cannot start: spawn python9 ENOENT');
    assert.equal(proc.status, 'errored');
    assert.equal(launcher.attempts, 1);
  });

  it("keeps the child's last stderr lines, written before the exit is reported", async (t) => {
    const { proc, launcher } = setup(t, { autorestart: false });
    proc.start();
    const child = launcher.current;
    child.stderr!.write('first line\nsecond ');
    child.stderr!.write('half\n');
    child.stderr!.write('no newline at the end');
    child.exit({ code: 1, signal: null });
    await settle();
    assert.deepEqual(proc.recentStderr, ['first line', 'second half', 'no newline at the end']);
  });
});
