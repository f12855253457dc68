#!/usr/bin/env node
// Runs the whole suite with Node's test runner: TypeScript tests through tsx, files one at a time
// because end-to-end tests start daemons, app processes and servers (2-core machines).
// Usage: node scripts/run-tests.js [file-or-substring ...]
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const testDir = new URL('../test/', import.meta.url).pathname;
const filters = process.argv.slice(2);
const files = readdirSync(testDir)
  .filter((f) => f.endsWith('.test.ts'))
  .filter((f) => filters.length === 0 || filters.some((p) => f.includes(p)))
  .sort()
  .map((f) => join('test', f));

if (files.length === 0) {
  console.error(`no test file matches ${filters.join(' ')}`);
  process.exit(1);
}

const concurrency = process.env.SHOAL_TEST_CONCURRENCY ?? '1';
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  { stdio: 'inherit', cwd: new URL('..', import.meta.url).pathname },
);
process.exit(result.status ?? 1);
