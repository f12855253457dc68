// Every error code is documented with how to solve it, and every documented code exists.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ErrorCodes, ShoalError } from '../src/errors.js';

const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
const documented = [...doc.matchAll(/^### (SHOAL_ERR_[A-Z_]+)$/gm)].map((m) => m[1]);

describe('error codes', () => {
  it('documents every code in docs/errors.md, with how to solve it', () => {
    for (const code of Object.keys(ErrorCodes)) {
      assert.ok(documented.includes(code), `${code} is missing from docs/errors.md`);
      const section = doc.split(`### ${code}\n`)[1]?.split('\n### ')[0] ?? '';
      assert.match(section, /\*\*Solve:\*\*/, `${code} says how to solve it`);
    }
  });

  it('documents no code that does not exist', () => {
    for (const code of documented) assert.ok(code! in ErrorCodes, `${code} is documented but not defined`);
  });

  it('keeps the code and the facts across the wire', () => {
    const err = new ShoalError('SHOAL_ERR_APP_NOT_FOUND', 'No app named "x".', { app: 'x' });
    const back = ShoalError.from(JSON.parse(JSON.stringify(err)));
    assert.equal(back.code, 'SHOAL_ERR_APP_NOT_FOUND');
    assert.equal(back.message, 'No app named "x".');
    assert.deepEqual(back.details, { app: 'x' });
    assert.equal(ShoalError.from({ code: 'NOT_A_CODE', message: 'm' }).code, 'SHOAL_ERR_INTERNAL');
  });
});
