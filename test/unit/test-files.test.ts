// Rules the runner cannot enforce by itself, checked on the test sources: every test file sits in a group
// the runner reads, takes its test functions from the helper that gives each test a timeout, leaves
// nothing focused with only, and unit files start no process.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/shoal.js';
import { describe, it } from '../helpers/node-test.js';

const TEST_DIR = join(ROOT, 'test');
const filesIn = (dir: string, suffix: string) =>
  readdirSync(join(TEST_DIR, dir))
    .filter((f) => f.endsWith(suffix))
    .map((f) => join(dir, f));
const unitFiles = filesIn('unit', '.test.ts');
const e2eFiles = filesIn('e2e', '.test.ts');
const helperFiles = filesIn('helpers', '.ts').filter((f) => f !== join('helpers', 'node-test.ts'));
const source = (file: string) => readFileSync(join(TEST_DIR, file), 'utf8');
/** The sources checked below; this file is left out, as it holds the patterns and samples themselves. */
const scanned = [...unitFiles, ...e2eFiles, ...helperFiles].filter(
  (f) => f !== join('unit', 'test-files.test.ts'),
);

const TEST_FUNCTIONS = new Set([
  'test',
  'it',
  'describe',
  'suite',
  'before',
  'after',
  'beforeEach',
  'afterEach',
]);

/** The test functions a source imports straight from node:test (type-only imports do not count). */
function nodeTestImports(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/import\s+(type\s+)?([^'";]*?)\s+from\s+'node:test'/g)) {
    if (m[1]) continue;
    const clause = m[2]!;
    if (!clause.startsWith('{')) {
      found.push(clause);
      continue;
    }
    const names = clause
      .replace(/[{}]/g, '')
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n.length > 0 && !n.startsWith('type '))
      .map((n) => n.split(/\s+as\s+/)[0]!);
    found.push(...names.filter((n) => TEST_FUNCTIONS.has(n)));
  }
  return found;
}

describe('test files', () => {
  it('finds the files of both groups', () => {
    assert.ok(unitFiles.length >= 10, `unit files: ${unitFiles.join(', ')}`);
    assert.ok(e2eFiles.length >= 20, `e2e files: ${e2eFiles.join(', ')}`);
  });

  it('has no test file outside test/unit and test/e2e, where the runner would never look', () => {
    const stray = readdirSync(TEST_DIR, { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.test.ts') && !f.startsWith(`unit/`) && !f.startsWith(`e2e/`),
    );
    assert.deepEqual(stray, []);
  });

  it('takes test functions from test/helpers/node-test.ts, which gives every test a timeout', () => {
    const offenders = scanned
      .map((f) => [f, nodeTestImports(source(f))] as const)
      .filter(([, names]) => names.length > 0)
      .map(([f, names]) => `${f}: ${names.join(', ')}`);
    assert.deepEqual(offenders, []);
  });

  it('recognises a direct import of test functions', () => {
    assert.deepEqual(nodeTestImports("import { describe, it, type TestContext } from 'node:test';"), [
      'describe',
      'it',
    ]);
    assert.deepEqual(nodeTestImports("import test from 'node:test';"), ['test']);
    assert.deepEqual(nodeTestImports("import type { TestContext } from 'node:test';"), []);
    assert.deepEqual(nodeTestImports("import { mock } from 'node:test';"), []);
  });

  it('focuses no test with only', () => {
    const only = new RegExp(['\\.only\\(', '\\bonly:\\s*true'].join('|'));
    const focused = scanned.filter((f) => only.test(source(f)));
    assert.deepEqual(focused, []);
  });

  it('starts no process and no Shoal home in a unit test', () => {
    const starts = /from 'node:child_process'|\bcreateHome\(|\bstartRedis\(/;
    assert.deepEqual(
      scanned.filter((f) => f.startsWith('unit') && starts.test(source(f))),
      [],
    );
  });
});
