// When a started process counts as online, failed, or not yet either: a pure function of its record.
import assert from 'node:assert/strict';
import { describe, it } from '../helpers/node-test.js';
import { failureHint, judge, nextLookIn, pollInterval } from '../../src/daemon/start-settle.js';
import { AppConfigSchema } from '../../src/protocol/app-config.js';
import type { ProcessDetail } from '../../src/protocol/process-info.js';

const config = AppConfigSchema.parse({
  name: 'api',
  script: '/srv/app.js',
  cwd: '/srv',
  interpreter: 'node',
  exec_mode: 'fork',
  instances: 2,
  min_uptime: 1000,
  listen_timeout: 8000,
});

function detail(over: Partial<ProcessDetail>): ProcessDetail {
  return {
    id: 0,
    name: 'api',
    namespace: 'default',
    mode: 'fork',
    instance: 0,
    pid: 100,
    status: 'online',
    restarts: 0,
    uptime: 0,
    cpu: 0,
    memory: 0,
    unstable_restarts: 0,
    last_exit: null,
    status_reason: 'spawned',
    started_at: 1000,
    created_at: 1000,
    last_restart_reason: null,
    heap_used: null,
    heap_total: null,
    loop_delay: null,
    listening: [],
    hang_report: null,
    notice: null,
    ready_by: null,
    config,
    out_log: null,
    err_log: null,
    recent_stderr: [],
    exits: [],
    next_restart_at: null,
    app_metrics: [],
    log_dropped: null,
    primary_pid: null,
    primary: null,
    ...over,
  };
}

const exit = (at: number, code: number | null = 1, requested = false) => ({
  code,
  signal: null,
  reason: `exited with code ${code}`,
  at,
  uptime: 40,
  requested,
});

describe('start settle', () => {
  it('counts a process online once it proved ready or outlived min_uptime', () => {
    assert.equal(judge(detail({ ready_by: 'listening' }), 1000, 1100).state, 'online');
    assert.equal(judge(detail({ uptime: 999 }), 1000, 2000).state, 'pending');
    assert.equal(judge(detail({ uptime: 1000 }), 1000, 2000).state, 'online');
  });

  it('says how long a process that is up but not yet stable still has to live, and times the next look by it', () => {
    assert.deepEqual(judge(detail({ uptime: 940 }), 1000, 2000), { state: 'pending', dueInMs: 60 });
    assert.equal(judge(detail({ status: 'launching', pid: null }), 1000, 1100).state, 'pending');
    assert.equal(
      (judge(detail({ status: 'launching', pid: null }), 1000, 1100) as { dueInMs?: number }).dueInMs,
      undefined,
      'a process not yet up has no due time',
    );
    // 1,000 processes poll every 250 ms; the last due in 60 ms is looked at 61 ms later, not 250.
    assert.equal(pollInterval(1000), 250);
    assert.equal(nextLookIn(1000, 60), 61);
    assert.equal(nextLookIn(1000, 900), 250, 'never later than the poll interval');
    assert.equal(nextLookIn(1000, null), 250, 'something else pending: the poll interval');
    assert.equal(nextLookIn(10, 0.2), 2);
    assert.equal(nextLookIn(10, -5), 1, 'overdue: look at once');
  });

  it('fails a process that exited since the operation began, or went errored', () => {
    const crashed = judge(detail({ status: 'launching', last_exit: exit(1500) }), 1000, 1600);
    assert.deepEqual(crashed, { state: 'failed', reason: 'exited with code 1 after 40 ms (restarting)' });
    assert.equal(
      judge(detail({ status: 'online', uptime: 5000, last_exit: exit(900) }), 1000, 7000).state,
      'online',
    );
    const errored = judge(
      detail({ status: 'errored', pid: null, status_reason: 'cannot start: /x does not exist' }),
      1000,
      1001,
    );
    assert.deepEqual(errored, { state: 'failed', reason: 'cannot start: /x does not exist' });
  });

  it('lets a job that ended cleanly pass, and leaves a never-started process alone', () => {
    assert.equal(
      judge(detail({ status: 'stopped', pid: null, last_exit: exit(1200, 0) }), 1000, 1300).state,
      'online',
    );
    assert.equal(judge(detail({ status: 'stopped', pid: null }), 1000, 1001).state, 'online');
  });

  it('judges the new run, not the exit, when the daemon itself restarted the process meanwhile (cron, watch)', () => {
    const restarted = exit(1500, null, true);
    assert.equal(judge(detail({ status: 'launching', last_exit: restarted }), 1000, 1600).state, 'pending');
    assert.equal(
      judge(detail({ status: 'online', uptime: 1000, last_exit: restarted }), 1000, 2600).state,
      'online',
    );
    assert.equal(
      judge(detail({ status: 'stopped', pid: null, last_exit: restarted }), 1000, 1600).state,
      'online',
    );
    // The same exit, not asked for, is the app's failure.
    assert.equal(judge(detail({ status: 'launching', last_exit: exit(1500) }), 1000, 1600).state, 'failed');
  });

  it('gives up waiting after listen_timeout and min_uptime', () => {
    const slow = detail({ status: 'launching', pid: 100, status_reason: 'started' });
    assert.equal(judge(slow, 1000, 1000 + 8999).state, 'pending');
    assert.match(
      (judge(slow, 1000, 1000 + 9001) as { reason: string }).reason,
      /not online within listen_timeout \(8000 ms\)/,
    );
  });

  it('explains EADDRINUSE in fork mode with several instances, and names the port', () => {
    const failures = [
      {
        id: 1,
        name: 'api',
        instance: 1,
        reason: 'exited',
        stderr: ['Error: listen EADDRINUSE: address already in use :::3000'],
      },
    ];
    const two = [detail({ id: 0 }), detail({ id: 1, instance: 1 })];
    assert.match(failureHint(failures, two)!, /every instance binds port 3000 itself.*cluster mode/);
    assert.match(
      failureHint(failures, [detail({ id: 1 })])!,
      /port 3000 is already in use by another program/,
    );
    assert.equal(failureHint([{ ...failures[0]!, stderr: ['TypeError: x'] }], two), null);
  });
});
