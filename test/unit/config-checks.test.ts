// A process file is checked once, completely: every problem and warning in one report, cron patterns
// checked at load, YAML merge keys applied, and code in a JS file that ends, hangs or never settles
// reported as such (the file is evaluated in the loader's own child process, with a time limit).
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProcessFile } from '../../src/config/index.js';
import { isShoalError, type ShoalError } from '../../src/errors.js';
import { after, before, describe, test } from '../helpers/node-test.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'configs');

async function rejection(file: string, code: string): Promise<ShoalError> {
  try {
    await loadProcessFile(file, { cwd: FIXTURES });
  } catch (err) {
    assert.ok(isShoalError(err), `a ShoalError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`${file} loaded without an error`);
}

describe('a process file checked once, completely', () => {
  test('per-key errors, bad cron patterns, duplicate names and warnings come in one report', async () => {
    const err = await rejection('every-problem.json', 'SHOAL_ERR_CONFIG_INVALID');
    const lines = err.message.split('\n');
    assert.deepEqual(
      (err.details.issues as { app: string; key: string }[]).map((i) => [i.app, i.key]),
      [
        ['api', 'instances'],
        ['api', 'cron_restart'],
        ['api', 'cron_restart'],
        ['api', 'name'],
      ],
    );
    assert.ok(
      lines.some((l) =>
        /^every-problem\.json: app "api": key "cron_restart": expected a cron pattern .*got "99 \* \* \* \*"$/.test(
          l,
        ),
      ),
      err.message,
    );
    assert.ok(
      lines.some((l) => /key "cron_restart": .*got "not a cron"$/.test(l)),
      err.message,
    );
    assert.ok(
      lines.some((l) => /key "name": .*apps #1 and #2 both use it/.test(l)),
      err.message,
    );
    assert.ok(
      lines.includes('warning: every-problem.json: app "api": unknown key "colour" is ignored'),
      err.message,
    );
    assert.equal(lines.length, 5);
    assert.equal(err.details.file, join(FIXTURES, 'every-problem.json'));
  });

  test('a valid cron pattern loads', async () => {
    const loaded = await loadProcessFile(join(FIXTURES, 'every-problem.json'), { cwd: FIXTURES }).catch(
      (err: ShoalError) => err,
    );
    assert.ok(isShoalError(loaded));
    assert.ok(!(loaded.details.issues as { app: string }[]).some((i) => i.app === 'jobs'), 'jobs is fine');
  });

  test('YAML merge keys apply the defaults, and an app overrides them', async () => {
    const loaded = await loadProcessFile(join(FIXTURES, 'merge-keys.yaml'), { cwd: FIXTURES });
    const [one, two] = loaded.apps;
    assert.equal(one?.name, 'one');
    assert.equal(one?.max_memory_restart, 100 * 1024 * 1024);
    assert.equal(one?.env.SHARED, 'yes');
    assert.ok(one?.script.endsWith('apps/server.js'));
    assert.equal(two?.max_memory_restart, 200 * 1024 * 1024);
    assert.equal(two?.env.SHARED, 'yes');
    assert.deepEqual(loaded.warnings, [], 'the anchored defaults key is a template, not an unknown key');
  });
});

describe('code in a JS process file', () => {
  let saved: string | undefined;
  before(() => {
    saved = process.env.SHOAL_CONFIG_TIMEOUT_MS;
    process.env.SHOAL_CONFIG_TIMEOUT_MS = '1500';
  });
  after(() => {
    if (saved === undefined) delete process.env.SHOAL_CONFIG_TIMEOUT_MS;
    else process.env.SHOAL_CONFIG_TIMEOUT_MS = saved;
  });

  const cases: [string, RegExp][] = [
    ['exits.config.cjs', /^exits\.config\.cjs: called process\.exit\(3\) while being evaluated/],
    ['never-settles.config.mjs', /^never-settles\.config\.mjs: never settled: /],
    ['waits.config.mjs', /^waits\.config\.mjs: did not finish evaluating within 1500 ms/],
    ['loops.config.cjs', /^loops\.config\.cjs: did not finish evaluating within 1500 ms \(an endless loop/],
  ];
  for (const [file, message] of cases) {
    test(`${file} is reported as such, and this process goes on`, async () => {
      const started = Date.now();
      const err = await rejection(file, 'SHOAL_ERR_CONFIG_LOAD');
      assert.match(err.message, message);
      assert.equal(err.details.file, join(FIXTURES, file));
      assert.ok(Date.now() - started < 10_000, 'bounded by the time limit');
    });
  }
});
