// The daemon's view of a cluster app's workers: who listens elsewhere than its siblings, and what
// becomes of each worker when the primary dies. Pure functions, no processes.
import assert from 'node:assert/strict';
import { describe, it } from '../helpers/node-test.js';
import { listeningNotices } from '../../src/daemon/cluster/listen-check.js';
import { afterPrimaryDeath } from '../../src/daemon/cluster/primary-death.js';
import { idleState } from '../../src/daemon/process-record.js';
import type { WorkerSnapshot } from '../../src/protocol/primary-channel.js';

const worker = (id: number, over: Partial<WorkerSnapshot>): WorkerSnapshot => ({
  ...idleState({ id, instance: id }),
  pid: 1000 + id,
  status: 'online',
  ...over,
});

describe('listening notices', () => {
  it('names the worker that listens elsewhere than the others', () => {
    const notices = listeningNotices([
      worker(0, { listening: ['*:3000'] }),
      worker(1, { listening: ['*:41234'] }),
      worker(2, { listening: ['*:3000'] }),
    ]);
    assert.deepEqual([...notices.keys()], [1]);
    assert.match(notices.get(1)!, /listens on \*:41234, not on \*:3000 like instance 0/);
  });

  it('names both workers when two disagree and neither is the majority', () => {
    const notices = listeningNotices([
      worker(0, { listening: ['*:41234'] }),
      worker(1, { listening: ['*:3000'] }),
    ]);
    assert.deepEqual([...notices.keys()], [0, 1]);
    assert.match(notices.get(0)!, /listens on \*:41234, while instance 1 listens on \*:3000/);
    assert.match(notices.get(1)!, /listens on \*:3000, while instance 0 listens on \*:41234/);
  });

  it('says nothing when all agree, or when a worker has not listened yet', () => {
    assert.equal(
      listeningNotices([worker(0, { listening: ['*:3000'] }), worker(1, { listening: ['*:3000'] })]).size,
      0,
    );
    assert.equal(
      listeningNotices([worker(0, { listening: ['*:3000'] }), worker(1, { listening: [] })]).size,
      0,
    );
  });
});

describe('after the primary died', () => {
  const workers = [
    worker(0, { status: 'online', restarts: 2 }),
    worker(1, { status: 'stopped', pid: null }),
    worker(2, { status: 'stopping' }),
  ];

  it('restarts the workers that were live, counting one restart each, and leaves the rest', () => {
    const decision = {
      action: 'restart',
      delay: 0,
      reason: 'x',
      history: { unstableRestarts: 1, backoffStep: 0 },
    } as const;
    const after = afterPrimaryDeath(workers, decision, 'cluster primary killed by SIGKILL');
    assert.deepEqual(after.live, [0]);
    assert.deepEqual(
      after.workers.map((w) => [w.status, w.pid, w.restarts]),
      [
        ['launching', null, 3],
        ['stopped', null, 0],
        ['stopped', null, 0],
      ],
    );
    assert.equal(after.workers[0]!.last_restart_reason, 'cluster primary killed by SIGKILL');
  });

  it('ends live workers errored with the reason when the policy gives up', () => {
    const after = afterPrimaryDeath(
      workers,
      { action: 'give-up', reason: 'killed by SIGKILL; crash loop: 3 restarts' },
      'x',
    );
    assert.equal(after.workers[0]!.status, 'errored');
    assert.equal(
      after.workers[0]!.status_reason,
      'cluster primary killed by SIGKILL; crash loop: 3 restarts',
    );
    assert.equal(after.workers[0]!.restarts, 2, 'no restart counted');
  });
});
