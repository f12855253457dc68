// The heartbeat's timing shared by the preload and its supervisors: how often a loop beats, and when
// the watchdog thread that writes hang reports starts.
import assert from 'node:assert/strict';
import { describe, it } from '../helpers/node-test.js';
import {
  heartbeatInterval,
  WATCHDOG_START_MAX_MS,
  watchdogMayBeUp,
  watchdogStartDelay,
} from '../../src/protocol/heartbeat.js';

describe('heartbeat timing', () => {
  it('beats four times per hang_timeout, between every 100 ms and every 5 s', () => {
    assert.equal(heartbeatInterval(2000), 500);
    assert.equal(heartbeatInterval(200), 100);
    assert.equal(heartbeatInterval(30_000), 5000);
  });

  it('starts the watchdog after hang_timeout (at most 10 s), stretched by up to as much again', () => {
    assert.equal(
      watchdogStartDelay(2000, () => 0),
      2000,
    );
    assert.equal(
      watchdogStartDelay(2000, () => 0.5),
      3000,
    );
    assert.equal(
      watchdogStartDelay(30_000, () => 0),
      WATCHDOG_START_MAX_MS,
    );
    assert.equal(
      watchdogStartDelay(30_000, () => 0.999),
      19_990,
    );
    for (let i = 0; i < 100; i++) {
      const d = watchdogStartDelay(5000);
      assert.ok(d >= 5000 && d <= 10_000, String(d));
    }
  });

  it('knows a watchdog cannot be up when the loop blocked before its earliest start', () => {
    assert.equal(watchdogMayBeUp(1999, 2000), false);
    assert.equal(watchdogMayBeUp(2000, 2000), true);
    assert.equal(watchdogMayBeUp(9_999, 30_000), false, 'the delay is at most 10 s');
    assert.equal(watchdogMayBeUp(10_000, 30_000), true);
  });
});
