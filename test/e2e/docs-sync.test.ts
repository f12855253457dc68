// Docs stay in sync with the code: every error code documented with how to solve it, every command in docs/cli.md.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from '../helpers/node-test.js';
import { ErrorCodes, ShoalError } from '../../src/errors.js';
import { ExitCodes } from '../../src/exit-codes.js';

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
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

describe('exit codes', () => {
  it('lists every exit code of src/exit-codes.ts in docs/errors.md, and no other', () => {
    const rows = [...doc.matchAll(/^\| (\d+) \| `([A-Z_]+)` \|/gm)].map(
      (m) => [m[2]!, Number(m[1])] as const,
    );
    assert.ok(rows.length > 0, 'docs/errors.md has an exit code table');
    assert.deepEqual(Object.fromEntries(rows), { ...ExitCodes });
  });
});

describe('command reference', () => {
  it('documents every command the CLI has', async () => {
    const { execFileSync } = await import('node:child_process');
    const help = execFileSync(
      process.execPath,
      [new URL('../../bin/shoal.js', import.meta.url).pathname, '--help'],
      {
        encoding: 'utf8',
      },
    );
    const commands = [...help.matchAll(/^ {2}([a-zA-Z]+)[| ]/gm)]
      .map((m) => m[1]!)
      .filter((c) => c !== 'help');
    assert.ok(commands.length > 20, `found the commands in --help: ${commands.join(', ')}`);
    const doc = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');
    for (const c of commands) assert.match(doc, new RegExp(`^## ${c}$`, 'm'), `docs/cli.md documents ${c}`);
  });
});

describe('help in docs/cli.md', () => {
  it("shows each command's current --help output", async () => {
    const { refreshedDoc } = await import('../../scripts/cli-help-docs.js');
    const doc = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');
    const blocks = [...doc.matchAll(/^```\nUsage: shoal /gm)].length;
    assert.ok(blocks > 20, `docs/cli.md has the help of each command (${blocks} blocks)`);
    assert.deepEqual(refreshedDoc(doc).changed, [], 'run npm run docs:cli');
  });
});
