// What `shoal update` says per app comes only from the process lists before and after: a stopped app is
// never said to be restarted, and an app that did not come back is named.
import assert from 'node:assert/strict';
import { updateSummary } from '../../src/cli/format/update-summary.js';
import type { ProcessInfo } from '../../src/protocol/process-info.js';
import { describe, it } from '../helpers/node-test.js';

const proc = (over: Partial<ProcessInfo>): ProcessInfo =>
  ({ id: 0, name: 'a', pid: 100, status: 'online', restarts: 0, ...over }) as ProcessInfo;

describe('update summary', () => {
  it('says a stopped fork app was left stopped', () => {
    const was = [proc({ id: 3, pid: null, status: 'stopped', restarts: 2 })];
    assert.equal(
      updateSummary('a', false, was, was),
      'a: fork mode, stopped, and left stopped (ids 3 kept, restart counts kept)',
    );
  });

  it('says a running fork app was started again, and whether its ids and counts held', () => {
    const was = [proc({ id: 1, restarts: 4 })];
    assert.match(
      updateSummary('a', false, was, [proc({ id: 1, pid: 200, restarts: 4 })]),
      /started again .*ids 1 kept, restart counts kept/,
    );
    assert.match(
      updateSummary('a', false, was, [proc({ id: 7, pid: 200, restarts: 0 })]),
      /ids 1 -> 7, restart counts changed/,
    );
  });

  it('names an app that did not come back', () => {
    assert.match(updateSummary('a', false, [proc({})], []), /^a: MISSING after the update/);
  });

  it('says a kept cluster app kept serving only when every worker pid is the same', () => {
    const was = [proc({ id: 0, pid: 10 }), proc({ id: 1, pid: 11 })];
    assert.match(updateSummary('a', true, was, was), /kept serving, no worker restarted \(2 worker\(s\)/);
    assert.match(updateSummary('a', true, was, [was[0]!, proc({ id: 1, pid: 12 })]), /some workers changed/);
  });
});
