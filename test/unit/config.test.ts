// Loading, validating and normalizing PM2-style process files and `shoal start` flags (src/config/).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, delimiter, dirname, isAbsolute, join } from 'node:path';
import { after, before, describe, test } from '../helpers/node-test.js';
import { fileURLToPath } from 'node:url';
import {
  appFromCli,
  isProcessFile,
  type LoadedConfig,
  loadProcessFile,
  parseBytes,
  parseDuration,
} from '../../src/config/index.js';
import { isShoalError, type ShoalError } from '../../src/errors.js';
import { type AppConfig, AppConfigSchema } from '../../src/protocol/app-config.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'configs');
const APPS = join(FIXTURES, 'apps');
const FAKE_BIN = join(FIXTURES, 'bin');

/** Loads a fixture with the CLI standing in the fixtures folder, checking every app against the protocol. */
async function load(file: string, envName: string | null = null): Promise<LoadedConfig> {
  const loaded = await loadProcessFile(file, { cwd: FIXTURES, envName });
  for (const app of loaded.apps) assert.deepEqual(AppConfigSchema.parse(app), app);
  return loaded;
}

function app(loaded: LoadedConfig, name: string): AppConfig {
  const found = loaded.apps.find((a) => a.name === name);
  assert.ok(found, `no app "${name}" in ${loaded.apps.map((a) => a.name).join(', ')}`);
  return found;
}

/** A `shoal start` entry (process-file keys, as cli/commands/start-flags.ts builds it), the CLI in FIXTURES. */
type StartEntry = Record<string, unknown>;

function cli(script: string, entry: StartEntry = {}): AppConfig {
  const loaded = appFromCli({ script, ...entry }, { cwd: FIXTURES });
  assert.equal(loaded.apps.length, 1);
  return AppConfigSchema.parse(loaded.apps[0]);
}

/** Asserts that `fn` fails with a ShoalError of `code`, and returns it for more checks. */
async function rejection(fn: () => unknown, code: string): Promise<ShoalError> {
  try {
    await fn();
  } catch (err) {
    assert.ok(isShoalError(err), `expected a ShoalError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected ${code}, but it succeeded`);
}

function issueKeys(err: ShoalError): string[] {
  return (err.details.issues as { key: string }[]).map((i) => i.key).sort();
}

describe('parseDuration and parseBytes', () => {
  const durations: [string | number, number][] = [
    [500, 500],
    ['500', 500],
    ['500ms', 500],
    ['10s', 10_000],
    ['1.5s', 1500],
    ['1m', 60_000],
    ['1h', 3_600_000],
    ['2d', 172_800_000],
    [' 3 S ', 3000],
  ];
  for (const [input, ms] of durations) {
    test(`duration ${JSON.stringify(input)} is ${ms} ms`, () => assert.equal(parseDuration(input), ms));
  }
  for (const bad of ['abc', '10x', '-1', '', -5, Number.NaN]) {
    test(`duration ${JSON.stringify(bad)} is rejected with a config error`, async () => {
      const err = await rejection(() => parseDuration(bad), 'SHOAL_ERR_CONFIG_INVALID');
      assert.match(err.message, /expected a duration/);
    });
  }

  const sizes: [string | number, number][] = [
    [1024, 1024],
    ['100', 100],
    ['512K', 512 * 1024],
    ['300M', 300 * 1024 ** 2],
    ['1G', 1024 ** 3],
    ['1.5g', 1.5 * 1024 ** 3],
    ['10MB', 10 * 1024 ** 2],
    ['2MiB', 2 * 1024 ** 2],
  ];
  for (const [input, bytes] of sizes) {
    test(`size ${JSON.stringify(input)} is ${bytes} bytes`, () => assert.equal(parseBytes(input), bytes));
  }
  for (const bad of ['1X', '', 'M', -1]) {
    test(`size ${JSON.stringify(bad)} is rejected with a config error`, async () => {
      await rejection(() => parseBytes(bad), 'SHOAL_ERR_CONFIG_INVALID');
    });
  }
});

describe('isProcessFile', () => {
  const cases: [string, boolean][] = [
    ['ecosystem.config.js', true],
    ['ecosystem.config.cjs', true],
    ['shoal.config.mjs', true],
    ['ecosystem.js', true],
    ['ecosystem.prod.cjs', true],
    ['/srv/app/Ecosystem.MJS', true],
    ['process.json', true],
    ['apps.json5', true],
    ['pm2.yaml', true],
    ['pm2.yml', true],
    ['app.js', false],
    ['server.mjs', false],
    ['config.ts', false],
    ['worker.py', false],
    ['my-ecosystem.js', false],
  ];
  for (const [path, expected] of cases) {
    test(`${path} is ${expected ? '' : 'not '}a process file`, () =>
      assert.equal(isProcessFile(path), expected));
  }
});

describe('process file formats', () => {
  test('a CommonJS ecosystem file gives absolute paths, defaults and PM2 value forms', async () => {
    const loaded = await load('ecosystem.config.cjs');
    assert.equal(loaded.file, join(FIXTURES, 'ecosystem.config.cjs'));
    assert.deepEqual(loaded.warnings, []);
    assert.deepEqual(
      loaded.apps.map((a) => a.name),
      ['api', 'jobs'],
    );
    const api = app(loaded, 'api');
    assert.equal(api.script, join(APPS, 'server.js'));
    assert.equal(api.cwd, FIXTURES);
    assert.equal(api.interpreter, 'node');
    assert.equal(api.instances, 2);
    assert.equal(api.exec_mode, 'cluster'); // instances given explicitly with node: PM2's rule
    assert.deepEqual(api.env, { PORT: '3000', DEBUG: 'false' });
    assert.equal(api.env_name, null);
    assert.equal(api.source_file, join(FIXTURES, 'ecosystem.config.cjs'));
    assert.equal(api.listen_timeout, 8000);
    assert.equal(api.merge_logs, true);

    const jobs = app(loaded, 'jobs');
    assert.deepEqual(jobs.args, ['--queue', 'high prio']);
    assert.ok(isAbsolute(jobs.interpreter), jobs.interpreter);
    assert.equal(basename(jobs.interpreter), 'bash');
    assert.equal(jobs.exec_mode, 'fork');
    assert.equal(jobs.instances, 1);
  });

  test('env_<name> is laid over env when that environment is chosen', async () => {
    const loaded = await load('ecosystem.config.cjs', 'production');
    assert.deepEqual(app(loaded, 'api').env, { PORT: '80', DEBUG: 'false', NODE_ENV: 'production' });
    assert.equal(app(loaded, 'api').env_name, 'production');
    assert.deepEqual(app(loaded, 'jobs').env, { NODE_ENV: 'production' });
    assert.deepEqual(loaded.warnings, []);
  });

  test('an environment no app defines is accepted with one warning per app', async () => {
    const loaded = await load('ecosystem.config.cjs', 'staging');
    assert.deepEqual(app(loaded, 'api').env, { PORT: '3000', DEBUG: 'false' });
    assert.equal(app(loaded, 'api').env_name, 'staging');
    assert.deepEqual(
      loaded.warnings.map((w) => [w.app, w.key, w.file]),
      [
        ['api', 'env_staging', loaded.file],
        ['jobs', 'env_staging', loaded.file],
      ],
    );
    assert.match(loaded.warnings[0]!.message, /^ecosystem\.config\.cjs: app "api": has no "env_staging"/);
  });

  const oneAppFiles: [string, string, Partial<AppConfig>][] = [
    ['esm.config.mjs', 'esm-default', { instances: 'max', exec_mode: 'cluster' }],
    ['named-export.config.mjs', 'esm-named', { instances: 1, exec_mode: 'fork' }],
    ['esm-package/ecosystem.config.js', 'esm-js', { cwd: FIXTURES, script: join(APPS, 'server.js') }],
    ['cjs-package/ecosystem.config.js', 'cjs-js', { cwd: join(FIXTURES, 'cjs-package') }],
    ['lenient.json5', 'from-json5', { script: join(APPS, 'server.js') }],
    ['single-app.json', 'single', { script: join(APPS, 'server.js') }],
    ['relative-cwd.yaml', 'in-apps', { cwd: APPS, out_file: join(FIXTURES, 'logs', 'in-apps.out.log') }],
  ];
  for (const [file, name, expected] of oneAppFiles) {
    test(`${file} loads app "${name}"`, async () => {
      const loaded = await load(file);
      assert.equal(loaded.apps.length, 1);
      const got = app(loaded, name);
      for (const [key, value] of Object.entries(expected))
        assert.deepEqual(got[key as keyof AppConfig], value, key);
    });
  }

  test('a JSON file converts sizes, durations and log paths', async () => {
    const got = app(await load('process.json'), 'from-json');
    assert.equal(got.max_memory_restart, 300 * 1024 ** 2);
    assert.equal(got.min_uptime, 10_000);
    assert.equal(got.kill_timeout, 5000);
    assert.equal(got.out_file, join(FIXTURES, 'logs', 'out.log'));
    assert.equal(got.error_file, '/dev/null');
  });

  test('a YAML file with an explicit interpreter resolves it on PATH', async () => {
    const restore = withPath(FAKE_BIN);
    try {
      const got = app(await load('process.yaml'), 'from-yaml');
      assert.equal(got.interpreter, join(FAKE_BIN, 'python3'));
      assert.equal(got.script, join(APPS, 'worker.py'));
      assert.equal(got.autorestart, false);
      assert.deepEqual(got.stop_exit_codes, [0, 2]);
      assert.equal(got.watch, true);
      assert.deepEqual(got.env, { WORKERS: '4' });
      assert.equal(got.exec_mode, 'fork');
    } finally {
      restore();
    }
  });

  test('PM2 aliases are renamed and their value forms normalized', async () => {
    const got = app(await load('aliases.json'), 'aliased');
    assert.equal(got.script, join(APPS, 'server.js'));
    assert.equal(got.out_file, join(FIXTURES, 'logs', 'out.log'));
    assert.equal(got.error_file, '/dev/null');
    assert.equal(got.merge_logs, false);
    assert.equal(got.cron_restart, '0 * * * *');
    assert.deepEqual(got.interpreter_args, ['--max-old-space-size=512', '--trace-warnings']);
    assert.equal(got.autorestart, false);
    assert.deepEqual(got.stop_exit_codes, [0]);
    assert.equal(got.kill_signal, 'SIGTERM');
    assert.deepEqual(got.watch, ['src']);
    assert.deepEqual(got.ignore_watch, ['node_modules']);
  });

  test('an alias set next to another spelling of the same key is ignored with a warning', async () => {
    const loaded = await load('aliases.json');
    assert.deepEqual(
      loaded.warnings.map((w) => [w.app, w.key]),
      [['aliased', 'output']],
    );
    assert.match(loaded.warnings[0]!.message, /"output" is ignored because "out" is also set/);
  });

  test('unknown keys are warned about and dropped; store and auth go to extra', async () => {
    const loaded = await load('unknown-keys.json');
    const got = app(loaded, 'extras');
    assert.deepEqual(got.extra, {
      store: { backend: 'redis', url: 'redis://localhost:6379' },
      auth: { secret: 'a-shared-secret-of-at-least-32-characters' },
    });
    assert.equal(got.max_restarts, 16);
    assert.equal('colour' in got, false);
    assert.deepEqual(loaded.warnings.map((w) => [w.app, w.key]).sort(), [
      [null, 'settings'],
      ['extras', 'colour'],
      ['extras', 'maxRestarts'],
      ['extras', 'uid'],
    ]);
    const hint = loaded.warnings.find((w) => w.key === 'maxRestarts');
    assert.match(hint!.message, /did you mean "max_restarts"\?/);
    assert.equal(hint!.file, join(FIXTURES, 'unknown-keys.json'));
  });
});

describe('reloading a file in the same process', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'shoal-config-'));
    writeFileSync(join(dir, 'server.js'), '');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [file, body] of [
    [
      'reload.config.cjs',
      (n: number) => `module.exports = { apps: [{ name: 'v${n}', script: 'server.js' }] };`,
    ],
    [
      'reload.config.mjs',
      (n: number) => `export default { apps: [{ name: 'v${n}', script: 'server.js' }] };`,
    ],
  ] as const) {
    test(`${file} is read again after an edit`, async () => {
      const path = join(dir, file);
      writeFileSync(path, body(1));
      assert.equal((await loadProcessFile(path)).apps[0]!.name, 'v1');
      writeFileSync(path, body(2));
      assert.equal((await loadProcessFile(path)).apps[0]!.name, 'v2');
    });
  }

  for (const [file, head] of [
    ['syntax.config.cjs', 'module.exports = {'],
    ['syntax.config.mjs', 'export default {'],
  ] as const) {
    test(`a syntax error in ${file} is a load error naming the file and line`, async () => {
      const path = join(dir, file);
      writeFileSync(path, `${head}\n  apps: [\n    { name: 'x' script: 'server.js' },\n  ],\n};\n`);
      const err = await rejection(() => loadProcessFile(path, { cwd: dir }), 'SHOAL_ERR_CONFIG_LOAD');
      assert.match(err.message, new RegExp(`^${file.replace(/\./g, '\\.')}:3: syntax error: `));
      assert.equal(err.details.file, path);
      assert.equal(err.details.line, 3);
    });
  }
});

describe('process file errors', () => {
  test('all wrong types are reported at once, one line each', async () => {
    const err = await rejection(() => load('bad-types.config.cjs'), 'SHOAL_ERR_CONFIG_INVALID');
    assert.deepEqual(issueKeys(err), ['autorestart', 'instances', 'kill_signal', 'max_memory_restart']);
    const lines = err.message.split('\n');
    assert.equal(lines.length, 4);
    assert.ok(
      lines.includes(
        'bad-types.config.cjs: app "api": key "instances": expected a number, "max" or a negative number, got "lots"',
      ),
      err.message,
    );
    assert.ok(
      lines.includes('bad-types.config.cjs: app "api": key "autorestart": expected true or false, got "yes"'),
    );
    assert.equal(err.details.file, join(FIXTURES, 'bad-types.config.cjs'));
    assert.equal(err.details.app, 'api');
    const issue = (err.details.issues as Record<string, unknown>[]).find((i) => i.key === 'instances');
    assert.deepEqual(issue, {
      app: 'api',
      key: 'instances',
      expected: 'a number, "max" or a negative number',
      received: '"lots"',
      message: lines.find((l) => l.includes('"instances"')),
    });
  });

  test('problems in different apps are reported together', async () => {
    const err = await rejection(() => load('several-problems.json'), 'SHOAL_ERR_CONFIG_INVALID');
    assert.deepEqual(
      (err.details.issues as { app: string; key: string }[]).map((i) => [i.app, i.key]),
      [
        ['#1', 'apps'],
        ['a', 'watch'],
        ['missing', 'script'],
        ['b', 'script'],
      ],
    );
    assert.equal(err.message.split('\n').length, 4);
  });

  test('duplicate names are an error naming both entries', async () => {
    const err = await rejection(() => load('duplicate-names.json'), 'SHOAL_ERR_CONFIG_INVALID');
    assert.equal(err.details.key, 'name');
    assert.equal(err.details.app, 'web');
    assert.match(err.message, /apps #1 and #2 both use it/);
  });

  const failures: [string, string, RegExp][] = [
    [
      'does-not-exist.json',
      'SHOAL_ERR_CONFIG_NOT_FOUND',
      /does-not-exist\.json: process file not found: no such file/,
    ],
    ['apps', 'SHOAL_ERR_CONFIG_NOT_FOUND', /it is a directory/],
    ['syntax-error.json5', 'SHOAL_ERR_CONFIG_LOAD', /^syntax-error\.json5:3: syntax error: /],
    [
      'throws.config.cjs',
      'SHOAL_ERR_CONFIG_LOAD',
      /^throws\.config\.cjs:2: error while evaluating: missing DATABASE_URL$/,
    ],
    [
      'no-apps.json',
      'SHOAL_ERR_CONFIG_INVALID',
      /^no-apps\.json: key "apps": expected .* \(the file defines no app\)$/,
    ],
    ['apps/server.js', 'SHOAL_ERR_CONFIG_INVALID', /the file defines no app/],
    ['apps/worker.py', 'SHOAL_ERR_CONFIG_LOAD', /unsupported process file type "\.py"/],
    ['missing-script.json', 'SHOAL_ERR_SCRIPT_NOT_FOUND', /app "ghost": key "script": .*does-not-exist\.js/],
  ];
  for (const [file, code, message] of failures) {
    test(`${file} fails with ${code}`, async () => {
      const err = await rejection(() => load(file), code);
      assert.match(err.message, message);
      assert.equal(err.details.file, join(FIXTURES, file));
    });
  }

  test('a missing script names the file, the app and the key', async () => {
    const err = await rejection(() => load('missing-script.json'), 'SHOAL_ERR_SCRIPT_NOT_FOUND');
    assert.equal(err.details.app, 'ghost');
    assert.equal(err.details.key, 'script');
  });

  const badNames: [string, RegExp][] = [
    ['123', /not only digits/],
    ['my app', /without "\/", ":" or whitespace/],
    ['ns:app', /without "\/", ":" or whitespace/],
    ['a/b', /without "\/", ":" or whitespace/],
  ];
  for (const [name, message] of badNames) {
    test(`the name ${JSON.stringify(name)} is rejected`, async () => {
      const err = await rejection(() => cli('apps/server.js', { name }), 'SHOAL_ERR_CONFIG_INVALID');
      assert.equal(err.details.key, 'name');
      assert.match(err.message, message);
    });
  }
});

describe('instances and exec mode', () => {
  const cpus = availableParallelism();
  const counts: [string | number, number | 'max'][] = [
    [3, 3],
    ['3', 3],
    ['max', 'max'],
    [0, 'max'],
    [-1, Math.max(1, cpus - 1)],
    ['-2', Math.max(1, cpus - 2)],
    [-1000, 1],
  ];
  for (const [instances, expected] of counts) {
    test(`instances ${JSON.stringify(instances)} becomes ${expected}`, () => {
      assert.equal(cli('apps/server.js', { instances }).instances, expected);
    });
  }

  // PM2's rule: an explicit instances (even 1) with a node interpreter means cluster, unless exec_mode says.
  const modes: [string, StartEntry, string][] = [
    ['apps/server.js', {}, 'fork'],
    ['apps/server.js', { instances: 1 }, 'cluster'],
    ['apps/server.js', { instances: 4, exec_mode: 'fork_mode' }, 'fork'],
    ['apps/server.js', { exec_mode: 'cluster_mode' }, 'cluster'],
    ['apps/task.ts', { instances: 2 }, 'cluster'],
    ['apps/job.sh', { instances: 2 }, 'fork'],
  ];
  for (const [script, opts, mode] of modes) {
    test(`${script} with ${JSON.stringify(opts)} runs in ${mode} mode`, () => {
      assert.equal(cli(script, opts).exec_mode, mode);
    });
  }

  test('cluster mode with a non-node interpreter is an error on exec_mode', async () => {
    const err = await rejection(
      () => cli('apps/job.sh', { exec_mode: 'cluster' }),
      'SHOAL_ERR_CONFIG_INVALID',
    );
    assert.equal(err.details.key, 'exec_mode');
    assert.match(
      err.message,
      /expected "fork" for a script that is not run by Node, got "cluster" \(cluster mode shares a port between Node workers, and this script is run by ".*bash"/,
    );
  });
});

describe('scripts, commands and interpreters', () => {
  let restorePath: () => void;
  before(() => {
    restorePath = withPath(FAKE_BIN);
  });
  after(() => restorePath());

  test('a command line is split: executable from PATH, the rest before args, run by its shebang', () => {
    const got = cli('python3 worker.py', { args: ['--queue', 'high'] });
    assert.equal(got.script, join(FAKE_BIN, 'python3'));
    assert.deepEqual(got.args, ['worker.py', '--queue', 'high']);
    // The fake python3 is a shell script: its shebang says what runs it.
    assert.equal(got.interpreter, '/bin/sh');
    assert.equal(got.name, 'python3');
    assert.equal(got.exec_mode, 'fork');
  });

  test('quotes in a command line group words', () => {
    const got = cli(`python3 -c 'print("a b")' "x y"`);
    assert.deepEqual(got.args, ['-c', 'print("a b")', 'x y']);
  });

  test('a bare command found on PATH runs directly', () => {
    const got = cli('sleep', { args: ['60'] });
    assert.ok(isAbsolute(got.script));
    assert.equal(basename(got.script), 'sleep');
    assert.equal(got.interpreter, 'none');
    assert.equal(got.name, 'sleep');
  });

  const byExtension: [string, string][] = [
    ['apps/server.js', 'node'],
    ['apps/task.ts', 'node'],
    ['apps/worker.py', join(FAKE_BIN, 'python3')],
    ['apps/tool', '/bin/sh'],
    ['apps/plain', 'node'],
  ];
  for (const [script, interpreter] of byExtension) {
    test(`${script} runs with ${basename(interpreter)}`, () =>
      assert.equal(cli(script).interpreter, interpreter));
  }

  test('an interpreter that is not installed is kept as given, with a warning', () => {
    const loaded = appFromCli(
      { script: 'apps/server.js', interpreter: 'no-such-runtime' },
      { cwd: FIXTURES },
    );
    assert.equal(loaded.apps[0]!.interpreter, 'no-such-runtime');
    assert.deepEqual(
      loaded.warnings.map((w) => [w.file, w.app, w.key]),
      [[null, 'server', 'interpreter']],
    );
  });

  test('a script that is neither a file nor a command is SCRIPT_NOT_FOUND', async () => {
    const err = await rejection(() => cli('nothing-here.js'), 'SHOAL_ERR_SCRIPT_NOT_FOUND');
    assert.equal(err.details.key, 'script');
    assert.equal(err.details.file, undefined);
    assert.match(err.message, /^start options: app "nothing-here": key "script": /);
  });

  test('an unknown command in a command line is SCRIPT_NOT_FOUND', async () => {
    const err = await rejection(() => cli('no-such-binary --flag'), 'SHOAL_ERR_SCRIPT_NOT_FOUND');
    assert.match(err.message, /no command "no-such-binary" on PATH/);
  });
});

describe('appFromCli', () => {
  test('a start entry, flag values still strings, gets the same normalization as a file', () => {
    const loaded = appFromCli(
      {
        script: 'server.js',
        name: 'web',
        cwd: 'apps',
        args: ['--port', '80'],
        interpreter_args: '--inspect',
        env: { A: '1' },
        max_memory_restart: '1G',
        min_uptime: '5s',
        kill_timeout: '3000',
        out_file: 'out.log',
        error_file: 'NULL',
        treekill: false,
        cron_restart: '*/5 * * * *',
        stop_exit_codes: ['0'],
        namespace: 'front',
        watch: ['lib'],
      },
      { cwd: FIXTURES },
    );
    assert.equal(loaded.file, '');
    assert.deepEqual(loaded.warnings, []);
    const got = AppConfigSchema.parse(loaded.apps[0]);
    assert.equal(got.script, join(APPS, 'server.js'));
    assert.equal(got.cwd, APPS);
    assert.deepEqual(got.args, ['--port', '80']);
    assert.deepEqual(got.interpreter_args, ['--inspect']);
    assert.deepEqual(got.env, { A: '1' });
    assert.equal(got.max_memory_restart, 1024 ** 3);
    assert.equal(got.min_uptime, 5000);
    assert.equal(got.kill_timeout, 3000);
    assert.equal(got.out_file, join(APPS, 'out.log'));
    assert.equal(got.error_file, '/dev/null');
    assert.equal(got.treekill, false);
    assert.equal(got.cron_restart, '*/5 * * * *');
    assert.deepEqual(got.stop_exit_codes, [0]);
    assert.equal(got.namespace, 'front');
    assert.deepEqual(got.watch, ['lib']);
    assert.equal(got.source_file, null);
    assert.equal(got.exec_mode, 'fork');
  });

  test('--env without a process file is recorded and warned about', () => {
    const loaded = appFromCli({ script: 'apps/server.js' }, { cwd: FIXTURES, envName: 'production' });
    assert.equal(loaded.apps[0]!.env_name, 'production');
    assert.deepEqual(
      loaded.warnings.map((w) => w.key),
      ['env_production'],
    );
  });

  test('hang_timeout, health_check and balancer: defaults, forms and sticky', () => {
    const plain = cli('apps/server.js', { instances: 2 });
    assert.equal(plain.hang_timeout, 30_000);
    assert.equal(plain.health_check, null);
    assert.equal(plain.balancer, 'round-robin');
    const set = cli('apps/server.js', {
      instances: 2,
      hang_timeout: false,
      health_check: { path: '/healthz', interval: '1s' },
      sticky: true,
    });
    assert.equal(set.hang_timeout, 0);
    assert.deepEqual(set.health_check, {
      path: '/healthz',
      port: null,
      interval: 1000,
      timeout: 2000,
      failures: 3,
    });
    assert.equal(set.balancer, 'ip-hash');
  });

  test('a bad health_check, balancer or sticky is reported on its key', async () => {
    const err = await rejection(
      () =>
        cli('apps/server.js', {
          instances: 2,
          health_check: { path: 'healthz', failures: 0 },
          balancer: 'random',
          hang_timeout: 'soon',
        }),
      'SHOAL_ERR_CONFIG_INVALID',
    );
    assert.deepEqual(issueKeys(err), ['balancer', 'hang_timeout', 'health_check']);
    const both = await rejection(
      () => cli('apps/server.js', { instances: 2, balancer: 'kernel', sticky: true }),
      'SHOAL_ERR_CONFIG_INVALID',
    );
    assert.deepEqual(issueKeys(both), ['sticky']);
  });

  test('every bad flag is reported at once', async () => {
    const err = await rejection(
      () =>
        cli('apps/server.js', { instances: 'lots', exec_mode: 'swarm', min_uptime: 'soon', cwd: 'nowhere' }),
      'SHOAL_ERR_CONFIG_INVALID',
    );
    assert.deepEqual(issueKeys(err), ['cwd', 'exec_mode', 'instances', 'min_uptime']);
    assert.equal(err.details.file, undefined);
  });
});

/** Puts `dir` first on PATH; returns the function that restores the old PATH. */
function withPath(dir: string): () => void {
  const old = process.env.PATH;
  process.env.PATH = `${dir}${delimiter}${old ?? ''}`;
  return () => {
    process.env.PATH = old;
  };
}
