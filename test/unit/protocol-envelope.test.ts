// The response envelope as clients read it (src/protocol/envelope.ts): what is taken, what is refused.
import assert from 'node:assert/strict';
import { parseResponse } from '../../src/protocol/envelope.js';
import { describe, it } from '../helpers/node-test.js';

describe('response envelope', () => {
  it('takes a success with its result, whatever the result is', () => {
    assert.deepEqual(parseResponse({ v: 1, id: 3, ok: true, result: { apps: 2 } }), {
      v: 1,
      id: 3,
      ok: true,
      result: { apps: 2 },
    });
    assert.deepEqual(parseResponse({ v: 1, id: 4, ok: true }), { v: 1, id: 4, ok: true, result: undefined });
  });

  it('takes an error with its code, message and details, and drops what is not part of it', () => {
    const error = { code: 'SHOAL_ERR_APP_NOT_FOUND', message: 'No app "x".', details: { app: 'x' } };
    assert.deepEqual(
      parseResponse({ v: 1, id: 5, ok: false, error: { ...error, stack: 'at ...' }, extra: 1 }),
      {
        v: 1,
        id: 5,
        ok: false,
        error,
      },
    );
  });

  it('gives an error without usable details empty details', () => {
    for (const details of [undefined, null, 'text', 7]) {
      const res = parseResponse({
        v: 1,
        id: 6,
        ok: false,
        error: { code: 'SHOAL_ERR_TIMEOUT', message: 'm', details },
      });
      assert.deepEqual(res?.ok === false && res.error.details, {}, `details ${JSON.stringify(details)}`);
    }
  });

  const refused: Array<[string, unknown]> = [
    ['null', null],
    ['a string', 'ok'],
    ['a number', 42],
    ['an array', [1, true]],
    ['no version', { id: 1, ok: true }],
    ['a version that is not a number', { v: '1', id: 1, ok: true }],
    ['no id', { v: 1, ok: true }],
    ['an id that is not a number', { v: 1, id: '1', ok: true }],
    ['ok that is not a boolean', { v: 1, id: 1, ok: 'yes' }],
    ['a failure without an error', { v: 1, id: 1, ok: false }],
    ['an error that is not an object', { v: 1, id: 1, ok: false, error: 'bad' }],
    ['an error without a code', { v: 1, id: 1, ok: false, error: { message: 'm' } }],
    ['an error code that is not a string', { v: 1, id: 1, ok: false, error: { code: 3, message: 'm' } }],
    ['an error without a message', { v: 1, id: 1, ok: false, error: { code: 'SHOAL_ERR_TIMEOUT' } }],
  ];
  for (const [what, frame] of refused) {
    it(`refuses ${what}`, () => assert.equal(parseResponse(frame), null));
  }
});
