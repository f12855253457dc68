// The restart policy as a pure function: every branch, no processes.
import assert from 'node:assert/strict';
import { describe, it } from '../helpers/node-test.js';
import { ExitCodes } from '../../src/exit-codes.js';
import {
  decideRestart,
  killedFromOutside,
  type RestartHistory,
  type RestartSettings,
} from '../../src/supervision/restart-policy.js';

const base: RestartSettings = {
  autorestart: true,
  max_restarts: 3,
  min_uptime: 1000,
  restart_delay: 0,
  exp_backoff_restart_delay: 0,
  exp_backoff_max_delay: 60_000,
  stop_exit_codes: [],
};
const fresh = { unstableRestarts: 0, backoffStep: 0 };

describe('restart policy', () => {
  it('restarts a crash immediately by default', () => {
    const d = decideRestart(base, { code: 1, signal: null, uptime: 5000 }, fresh);
    assert.equal(d.action, 'restart');
    assert.equal(d.action === 'restart' && d.delay, 0);
  });

  it('does not restart when autorestart is off', () => {
    assert.equal(
      decideRestart({ ...base, autorestart: false }, { code: 1, signal: null, uptime: 5000 }, fresh).action,
      'stop',
    );
  });

  it('does not restart exit codes listed in stop_exit_codes, but does restart others', () => {
    const s = { ...base, stop_exit_codes: [0, 3] };
    assert.equal(decideRestart(s, { code: 3, signal: null, uptime: 10 }, fresh).action, 'stop');
    assert.equal(decideRestart(s, { code: 0, signal: null, uptime: 10 }, fresh).action, 'stop');
    assert.equal(decideRestart(s, { code: 2, signal: null, uptime: 10 }, fresh).action, 'restart');
    // a signal is never a clean exit code
    assert.equal(decideRestart(s, { code: null, signal: 'SIGKILL', uptime: 10 }, fresh).action, 'restart');
  });

  it('gives up after max_restarts unstable runs in a row, counting exactly', () => {
    let history = fresh;
    for (let i = 1; i <= 3; i++) {
      const d = decideRestart(base, { code: 1, signal: null, uptime: 50 }, history);
      assert.equal(d.action, 'restart', `restart ${i}`);
      if (d.action === 'restart') history = d.history;
      assert.equal(history.unstableRestarts, i);
    }
    const last = decideRestart(base, { code: 1, signal: null, uptime: 50 }, history);
    assert.equal(last.action, 'give-up');
    assert.match(last.reason, /crash loop: 3 restarts/);
    assert.match(last.reason, /exited with code 1/);
  });

  it('never gives up on short runs that served, and gives up on the first streak that never serves', () => {
    let history: RestartHistory = fresh;
    for (let i = 1; i <= 20; i++) {
      const d = decideRestart(base, { code: null, signal: 'SIGKILL', uptime: 150, mayServe: true }, history);
      assert.equal(d.action, 'restart', `killed run ${i} that had served`);
      if (d.action === 'restart') history = d.history;
    }
    assert.equal(history.unstableRestarts, 20);
    for (let i = 1; i <= 3; i++) {
      const d = decideRestart(base, { code: 1, signal: null, uptime: 50 }, history);
      assert.equal(d.action, 'restart', `unserved run ${i}`);
      if (d.action === 'restart') history = d.history;
    }
    const last = decideRestart(base, { code: 1, signal: null, uptime: 50 }, history);
    assert.equal(last.action, 'give-up');
    assert.match(last.reason, /3 restarts in a row .* without ever serving/);
  });

  it('tells a kill from outside from a crash the process raised itself', () => {
    for (const sig of ['SIGKILL', 'SIGTERM', 'SIGINT', 'SIGHUP'])
      assert.equal(killedFromOutside(sig), true, sig);
    for (const sig of ['SIGSEGV', 'SIGABRT', 'SIGBUS']) assert.equal(killedFromOutside(sig), false, sig);
    assert.equal(killedFromOutside(null), false);
  });

  it('backs a crash loop off by itself, doubling from 0 to a 1 s cap, when the app sets no delay', () => {
    let history: RestartHistory = fresh;
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      const d = decideRestart({ ...base, max_restarts: 100 }, { code: 1, signal: null, uptime: 10 }, history);
      if (d.action !== 'restart') throw new Error(`run ${i}: ${d.action}`);
      delays.push(d.delay);
      history = d.history;
    }
    assert.deepEqual(delays, [0, 100, 200, 400, 800, 1000, 1000, 1000]);
    // A stable run ends the loop: the next crash restarts at once again.
    const stable = decideRestart(base, { code: 1, signal: null, uptime: 5000 }, history);
    assert.equal(stable.action === 'restart' && stable.delay, 0);
  });

  it('resets the unstable count after a run longer than min_uptime', () => {
    const d = decideRestart(
      base,
      { code: 1, signal: null, uptime: 1500 },
      { unstableRestarts: 3, backoffStep: 0 },
    );
    assert.equal(d.action, 'restart');
    assert.equal(d.action === 'restart' && d.history.unstableRestarts, 0);
  });

  it('never restarts a process that reports an invalid configuration', () => {
    assert.equal(
      decideRestart(base, { code: ExitCodes.CONFIG_INVALID, signal: null, uptime: 10 }, fresh).action,
      'give-up',
    );
  });

  it('uses restart_delay as a fixed delay', () => {
    const d = decideRestart({ ...base, restart_delay: 250 }, { code: 1, signal: null, uptime: 5000 }, fresh);
    assert.equal(d.action === 'restart' && d.delay, 250);
  });

  it('doubles the exponential backoff up to its cap and resets it after a long run', () => {
    const s = { ...base, max_restarts: 100, exp_backoff_restart_delay: 100, exp_backoff_max_delay: 500 };
    let history = fresh;
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const d = decideRestart(s, { code: 1, signal: null, uptime: 10 }, history);
      assert.equal(d.action, 'restart');
      if (d.action === 'restart') {
        delays.push(d.delay);
        history = d.history;
      }
    }
    assert.deepEqual(delays, [100, 200, 400, 500, 500]);
    const after = decideRestart(s, { code: 1, signal: null, uptime: 60_000 }, history);
    assert.equal(after.action === 'restart' && after.delay, 100);
  });
});
