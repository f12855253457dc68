// The per-connection messages of Shoal's own distribution (src/protocol/balancer-messages.ts): what the
// worker takes as a connection and the primary as a report, and what both refuse.
import assert from 'node:assert/strict';
import { balancerMessage, isConnMessage, isConnsReport } from '../../src/protocol/balancer-messages.js';
import { describe, it } from '../helpers/node-test.js';

describe('balancer messages', () => {
  it('takes the messages it builds', () => {
    assert.ok(isConnMessage(balancerMessage.conn('127.0.0.1:3000', 7)));
    assert.ok(isConnsReport(balancerMessage.conns([1, 2], [3], 4)));
    assert.ok(isConnsReport(balancerMessage.conns([], [], 0)));
  });

  it('refuses a connection message without a string key or an integer id', () => {
    const type = balancerMessage.conn('k', 1).type;
    for (const bad of [
      { type, key: 'k' },
      { type, key: 'k', id: '1' },
      { type, key: 'k', id: 1.5 },
      { type, key: 3, id: 1 },
      { type: 'shoal:bal:other', key: 'k', id: 1 },
      null,
      'shoal:bal:conn',
    ])
      assert.equal(isConnMessage(bad), false, JSON.stringify(bad));
  });

  it('refuses a report whose lists are not lists or whose count is not an integer', () => {
    const type = balancerMessage.conns([], [], 0).type;
    for (const bad of [
      { type, taken: [], refused: [] },
      { type, taken: {}, refused: [], closed: 0 },
      { type, taken: [], refused: 'x', closed: 0 },
      { type, taken: [], refused: [], closed: '2' },
      { type, taken: [], refused: [], closed: Number.NaN },
    ])
      assert.equal(isConnsReport(bad), false, JSON.stringify(bad));
  });
});
