// The store API on the in-process backend (what an app gets under plain node), and how the backend is
// chosen from the environment.
import assert from 'node:assert/strict';
import { describe, it } from '../helpers/node-test.js';
import { createStore } from '../../src/runtime/index.js';
import { selectStoreKind } from '../../src/runtime/store.js';
import { storeContract } from '../helpers/store-contract.js';

describe('store api on the in-process backend', () => {
  storeContract(async () => createStore({ url: 'memory:' }));
});

describe('store backend selection', () => {
  it('picks Redis from SHOAL_STORE_URL, the embedded store under Shoal, and memory otherwise', () => {
    const underShoal = typeof process.send === 'function';
    assert.equal(selectStoreKind({ env: { SHOAL_STORE_URL: 'redis://h:6379' } }), 'redis');
    assert.equal(selectStoreKind({ env: { SHOAL_STORE_URL: 'rediss://u:p@h:6380/2' } }), 'redis');
    assert.equal(selectStoreKind({ env: { SHOAL_STORE_URL: 'memory:', SHOAL_APP_NAME: 'a' } }), 'memory');
    assert.equal(selectStoreKind({ env: { SHOAL_STORE_URL: 'embedded:' } }), 'embedded');
    assert.equal(selectStoreKind({ env: { SHOAL_APP_NAME: 'a' } }), underShoal ? 'embedded' : 'memory');
    assert.equal(selectStoreKind({ env: {} }), 'memory');
    assert.equal(selectStoreKind({ env: { SHOAL_STORE_URL: '' } }), 'memory', 'empty means unset');
  });

  it('rejects an unknown store URL with a coded error that hides the password', () => {
    assert.throws(
      () => selectStoreKind({ env: { SHOAL_STORE_URL: 'mongodb://user:hunter2@h/db' } }),
      (err: { code?: string; message: string }) => {
        assert.equal(err.code, 'SHOAL_ERR_STORE_INVALID');
        assert.doesNotMatch(err.message, /hunter2/);
        return true;
      },
    );
  });
});

describe('store close', () => {
  // The in-process backend keeps its data in the backend object, so a fresh backend means empty.
  it('opens a fresh backend after close, also when closed while the first was still opening', async () => {
    const s = createStore({ url: 'memory:' });
    await s.set('a', 1);
    await s.close();
    assert.equal(await s.get('a'), null, 'the closed backend is not reused');

    const early = createStore({ url: 'memory:' });
    const writing = early.set('d', 4); // its backend is still opening when close() runs
    await early.close();
    await writing;
    assert.equal(await early.get('d'), null, 'a backend closed mid-open is not kept');
    await s.close();
    await early.close();
  });
});
