#!/usr/bin/env node
// Runs the tests with Node's test runner: TypeScript through tsx, one file at a time, because end-to-end
// tests start daemons, app processes and servers (2-core machines).
//   node scripts/run-tests.js                    every group: unit, then e2e
//   node scripts/run-tests.js --unit | --e2e     one group (test/unit/, test/e2e/)
//   node scripts/run-tests.js persistence rpc    the files whose path contains one of the words
// Each test has a default timeout (test/helpers/node-test.ts); each file an outer bound here.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const GROUPS = ['unit', 'e2e'];
const root = new URL('..', import.meta.url).pathname;

/** The test files of the chosen groups whose path contains one of the filters, group by group. */
function selectFiles(groups, filters) {
  return groups.flatMap((group) =>
    readdirSync(join(root, 'test', group))
      .filter((f) => f.endsWith('.test.ts'))
      .map((f) => join('test', group, f))
      .filter((path) => filters.length === 0 || filters.some((p) => path.includes(p)))
      .sort(),
  );
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
  const files = selectFiles(groups, filters);
  if (files.length === 0) {
    console.error(`no test file in ${groups.join(', ')} matches ${filters.join(' ')}`);
    return 1;
  }

  const concurrency = process.env.SHOAL_TEST_CONCURRENCY ?? '1';
  // Node 20's --test-timeout bounds a whole file, not one test: it only ends a file that never exits
  // (a leaked handle, a cleanup that hangs), long after every per-test timeout.
  const fileTimeout = process.env.SHOAL_TEST_FILE_TIMEOUT_MS ?? String(20 * 60_000);
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
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

process.exit(main(process.argv.slice(2)));
