#!/usr/bin/env node
// Runs the tests with Node's test runner: TypeScript through tsx, one file at a time, because end-to-end
// tests start daemons, app processes and servers (2-core machines).
//   node scripts/run-tests.js                    every group: unit, then e2e
//   node scripts/run-tests.js --unit | --e2e     one group (test/unit/, test/e2e/)
//   node scripts/run-tests.js persistence rpc    the files whose path contains one of the words
// Each test has a default timeout (test/helpers/node-test.ts), each file an outer bound here, and each
// file's process loads test/setup/fail-on-warning.ts, so that a process warning fails the test.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const GROUPS = ['unit', 'e2e'];
const root = new URL('..', import.meta.url).pathname;

/** The test files of a group whose path contains one of the filters. */
function filesOf(group, filters) {
  return readdirSync(join(root, 'test', group))
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => join('test', group, f))
    .filter((path) => filters.length === 0 || filters.some((p) => path.includes(p)))
    .sort();
}

/** Runs the files of one group in one test runner; its exit status. */
function runFiles(files) {
  const concurrency = process.env.SHOAL_TEST_CONCURRENCY ?? '1';
  // Node 20's --test-timeout bounds a whole file, not one test: it only ends a file that never exits
  // (a leaked handle, a cleanup that hangs), long after every per-test timeout.
  const fileTimeout = process.env.SHOAL_TEST_FILE_TIMEOUT_MS ?? String(20 * 60_000);
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      './test/setup/fail-on-warning.ts',
      '--test',
      `--test-concurrency=${concurrency}`,
      `--test-timeout=${fileTimeout}`,
      '--test-reporter=spec',
      ...files,
    ],
    { stdio: 'inherit', cwd: root },
  );
  return result.status ?? 1;
}

function main(argv) {
  const flags = argv.filter((a) => a.startsWith('--'));
  const filters = argv.filter((a) => !a.startsWith('--'));
  const unknown = flags.filter((f) => !GROUPS.includes(f.slice(2)));
  if (unknown.length > 0) {
    console.error(`unknown option ${unknown.join(' ')}; groups: ${GROUPS.map((g) => `--${g}`).join(' ')}`);
    return 2;
  }
  const groups = flags.length > 0 ? GROUPS.filter((g) => flags.includes(`--${g}`)) : GROUPS;
  const runs = groups
    .map((group) => ({ group, files: filesOf(group, filters) }))
    .filter((r) => r.files.length > 0);
  if (runs.length === 0) {
    console.error(`no test file in ${groups.join(', ')} matches ${filters.join(' ')}`);
    return 1;
  }
  // One runner per group, unit first (Node sorts the files it is given, which would put e2e/ before
  // unit/); as in npm test, a failing group ends the run.
  for (const { group, files } of runs) {
    if (runs.length > 1) console.log(`\n# ${group}: ${files.length} file(s)`);
    const status = runFiles(files);
    if (status !== 0) return status;
  }
  return 0;
}

process.exit(main(process.argv.slice(2)));
