// shoal monit's keys: each key of a chunk that brings several counts (they used to be dropped).
import assert from 'node:assert/strict';
import { monitActions } from '../../src/cli/monit/monit-keys.js';
import { describe, test } from '../helpers/node-test.js';

describe('monit keys', () => {
  test('one key, as ink reports it', () => {
    assert.deepEqual(monitActions('j', {}), ['down']);
    assert.deepEqual(monitActions('k', {}), ['up']);
    assert.deepEqual(monitActions('', { downArrow: true }), ['down']);
    assert.deepEqual(monitActions('', { upArrow: true }), ['up']);
    assert.deepEqual(monitActions('q', {}), ['quit']);
    assert.deepEqual(monitActions('', { escape: true }), ['quit']);
    assert.deepEqual(monitActions('x', {}), []);
  });

  test('keys that arrive together all count, in order', () => {
    assert.deepEqual(monitActions('jjk', {}), ['down', 'down', 'up']);
    assert.deepEqual(monitActions('\u001b[B\u001b[B\u001b[A', { downArrow: true }), ['down', 'down', 'up']);
    assert.deepEqual(monitActions('[B[B', { escape: true }), ['down', 'down']);
    assert.deepEqual(monitActions('jq', {}), ['down', 'quit']);
  });
});
