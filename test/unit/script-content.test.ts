// Deciding how to run a script by its content: binaries directly, shebangs by their interpreter, any
// other text on Node, as PM2 does.
import assert from 'node:assert/strict';
import { describe, it } from '../helpers/node-test.js';
import { classify, isNodeInterpreter } from '../../src/config/resolve/script-content.js';

const text = (s: string) => Buffer.from(s, 'utf8');

describe('script content', () => {
  it('takes an ELF or other file with NUL bytes for a binary', () => {
    assert.deepEqual(classify(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0])), { kind: 'binary' });
  });

  it('reads the interpreter and its flags from a shebang, through env and its options', () => {
    const cases: [string, string, string[]][] = [
      ['#!/usr/bin/env node\nconsole.log(1)', 'node', []],
      ['#!/usr/bin/env -S node --max-old-space-size=64\n', 'node', ['--max-old-space-size=64']],
      ['#!/usr/local/bin/node\n', '/usr/local/bin/node', []],
      ['#!/bin/sh -e\necho hi', '/bin/sh', ['-e']],
      ['#! /usr/bin/env python3\n', 'python3', []],
      ['#!/usr/bin/env NODE_ENV=production node\n', 'node', []],
    ];
    for (const [head, interpreter, args] of cases) {
      assert.deepEqual(classify(text(head)), { kind: 'shebang', interpreter, args }, head);
    }
  });

  it('takes any other text for JavaScript', () => {
    assert.deepEqual(classify(text("console.log('plain')\n")), { kind: 'text' });
    assert.deepEqual(classify(text('#!\n')), { kind: 'text' });
  });

  it('knows Node by its name, whatever the path or version suffix', () => {
    for (const n of ['node', '/usr/bin/node', 'nodejs', '/opt/node20', 'node22'])
      assert.ok(isNodeInterpreter(n), n);
    for (const n of ['python3', '/bin/sh', 'nodemon', 'deno']) assert.ok(!isNodeInterpreter(n), n);
  });
});
