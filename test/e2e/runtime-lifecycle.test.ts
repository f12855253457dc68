// ready() and onShutdown(): delegated to Shoal's preload hook when present, and under plain node a graceful
// SIGINT/SIGTERM that runs the hooks (a second signal exits at once).
import assert from 'node:assert/strict';
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import type { TestContext } from 'node:test';
import { describe, it } from '../helpers/node-test.js';
import { PRELOAD_HOOK, type PreloadHook } from '../../src/protocol/preload-hook.js';
import { onShutdown } from '../../src/runtime/index.js';
import { fixture, waitFor } from '../helpers/shoal.js';

function start(
  t: TestContext,
  scenario: string,
  ipc: boolean,
): { child: ChildProcess; out: () => string; err: () => string } {
  const child = fork(fixture('shutdown-hooks.mts'), [scenario], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, SHOAL_KILL_TIMEOUT_MS: '5000' },
  });
  // Without Shoal's IPC the app must behave as under plain node: drop the channel the test does not need.
  if (!ipc) child.disconnect();
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => (out += String(d)));
  child.stderr?.on('data', (d) => (err += String(d)));
  return { child, out: () => out, err: () => err };
}

describe('lifecycle', () => {
  it('sends the ready message over IPC', async (t) => {
    const { child } = start(t, 'ready', true);
    const [message] = (await once(child, 'message')) as [unknown];
    assert.deepEqual(message, { type: 'shoal:ready' });
  });

  it('runs every shutdown hook on SIGTERM under plain node, then exits 0', async (t) => {
    const app = start(t, 'hooks', false);
    await waitFor('the app to start', () => app.out().includes('started'), { timeoutMs: 30_000 });
    const exited = once(app.child, 'exit');
    app.child.kill('SIGTERM');
    assert.deepEqual(await exited, [0, null]);
    assert.match(app.out(), /second hook ran/);
    assert.match(app.err(), /shutdown hook failed: Error: first hook fails/);
  });

  it('exits at once on a second signal while a hook is stuck', async (t) => {
    const app = start(t, 'stuck', false);
    await waitFor('the app to start', () => app.out().includes('started'), { timeoutMs: 30_000 });
    const exited = once(app.child, 'exit');
    app.child.kill('SIGINT');
    await waitFor('the hook to run', () => app.out().includes('stuck hook running'), { timeoutMs: 10_000 });
    assert.equal(app.child.exitCode, null, 'still running its hook');
    const second = Date.now();
    app.child.kill('SIGINT');
    assert.deepEqual(await exited, [130, null]);
    assert.ok(Date.now() - second < 4_000);
  });

  it('hands hooks to the preload hook when Shoal installed one', (t) => {
    const hooks: unknown[] = [];
    const glue: PreloadHook = {
      onShutdown: (h) => hooks.push(h),
      setMetricsProvider: () => {},
      draining: false,
    };
    const g = globalThis as Record<symbol, unknown>;
    g[PRELOAD_HOOK] = glue;
    t.after(() => {
      delete g[PRELOAD_HOOK];
    });
    const hook = () => {};
    onShutdown(hook);
    assert.deepEqual(hooks, [hook]);
    assert.equal(process.listenerCount('SIGTERM'), 0, 'no signal handler of its own under Shoal');
  });
});
