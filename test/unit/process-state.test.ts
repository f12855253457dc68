// The process state machine and the questions asked of a state, without processes: the whole table.
import assert from 'node:assert/strict';
import { describe, it } from '../helpers/node-test.js';
import { ProcessStatusSchema } from '../../src/protocol/process-info.js';
import {
  canTransition,
  isLive,
  mayStart,
  savedAsRunning,
  statusAfterPrimaryDeath,
} from '../../src/supervision/process-state.js';

const ALL = ProcessStatusSchema.options;

describe('process states', () => {
  it('allows exactly the transitions of the table', () => {
    const allowed = new Set([
      'launching>online',
      'launching>stopping',
      'launching>stopped',
      'launching>errored',
      'launching>launching',
      'online>launching',
      'online>stopping',
      'online>stopped',
      'online>errored',
      'stopping>stopped',
      'stopping>launching',
      'stopped>launching',
      'errored>launching',
    ]);
    assert.equal(ALL.length, 5);
    for (const from of ALL)
      for (const to of ALL)
        assert.equal(canTransition(from, to), allowed.has(`${from}>${to}`), `${from} -> ${to}`);
  });

  it('answers each question the same way everywhere', () => {
    const table = {
      launching: { live: true, start: false, saved: true },
      online: { live: true, start: false, saved: true },
      stopping: { live: false, start: false, saved: false },
      stopped: { live: false, start: true, saved: false },
      errored: { live: false, start: true, saved: true },
    } as const;
    for (const s of ALL) {
      assert.equal(isLive(s), table[s].live, `isLive(${s})`);
      assert.equal(mayStart(s), table[s].start, `mayStart(${s})`);
      assert.equal(savedAsRunning(s), table[s].saved, `savedAsRunning(${s})`);
    }
  });

  it('moves a worker whose primary died only through legal transitions', () => {
    for (const from of ALL) {
      for (const decision of ['restart', 'stop', 'give-up'] as const) {
        const to = statusAfterPrimaryDeath(from, decision);
        assert.ok(to === from || canTransition(from, to), `${from} -> ${to} after ${decision}`);
      }
    }
    assert.equal(statusAfterPrimaryDeath('online', 'restart'), 'launching');
    assert.equal(statusAfterPrimaryDeath('online', 'give-up'), 'errored');
    assert.equal(statusAfterPrimaryDeath('launching', 'stop'), 'stopped');
    assert.equal(
      statusAfterPrimaryDeath('stopping', 'restart'),
      'stopped',
      'a worker being stopped stays stopped',
    );
    assert.equal(statusAfterPrimaryDeath('stopped', 'restart'), 'stopped', 'a stopped worker is not started');
    assert.equal(statusAfterPrimaryDeath('errored', 'give-up'), 'errored');
  });
});
