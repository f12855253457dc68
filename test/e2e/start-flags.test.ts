// `shoal start <script>` flags: the table they come from (src/cli/commands/start-flags.ts) sets only keys the
// process-file schema knows, every flag reaches the normalized config, a bad value is reported like a bad
// key naming the flag, and the real binary starts (or refuses) accordingly.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from '../helpers/node-test.js';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import {
  addStartFlags,
  START_FLAGS,
  type StartCommandFlags,
  type StartEntry,
  startEntry,
} from '../../src/cli/commands/start-flags.js';
import { appFromCli } from '../../src/config/index.js';
import { RAW_APP_KEYS } from '../../src/config/raw-app-schema.js';
import { isShoalError } from '../../src/errors.js';
import type { AppConfig } from '../../src/protocol/app-config.js';
import { createHome, fixture } from '../helpers/shoal.js';

const CONFIGS = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'configs');
const SERVER = join(CONFIGS, 'apps', 'server.js');

/** Parses `shoal start ...argv` with the real table, as the start command does, without running anything. */
function parseStart(argv: string[]): StartEntry & { flags: StartCommandFlags } {
  let parsed: (StartEntry & { flags: StartCommandFlags }) | undefined;
  const program = new Command().exitOverride();
  const start = program.command('start').argument('<target>').argument('[args...]');
  addStartFlags(start).action((target: string, args: string[], flags: StartCommandFlags, cmd: Command) => {
    parsed = { ...startEntry(target, args, cmd), flags };
  });
  program.parse(['start', ...argv], { from: 'user' });
  assert.ok(parsed, 'the start action ran');
  return parsed;
}

/** `shoal start SERVER ...flags` normalized as the CLI does, standing in the fixtures folder. */
function started(flags: string[]): AppConfig {
  const { entry, flagOf } = parseStart([SERVER, ...flags]);
  const loaded = appFromCli(entry, { cwd: CONFIGS, flagOf });
  assert.equal(loaded.apps.length, 1);
  return loaded.apps[0]!;
}

/** One sample per flag: what it is given and what the normalized config then holds under its key. */
const SAMPLES: Record<string, { argv: string[]; value: unknown; sameAsDefault?: true }> = {
  name: { argv: ['-n', 'web'], value: 'web' },
  instances: { argv: ['-i', '3'], value: 3 },
  exec_mode: { argv: ['--exec-mode', 'cluster'], value: 'cluster' },
  interpreter: { argv: ['--interpreter', 'none'], value: 'none' },
  interpreter_args: {
    argv: ['--interpreter-args', '--inspect --no-warnings'],
    value: ['--inspect', '--no-warnings'],
  },
  cwd: { argv: ['--cwd', 'apps'], value: join(CONFIGS, 'apps') },
  namespace: { argv: ['--namespace', 'front'], value: 'front' },
  watch: { argv: ['--watch', 'lib,src'], value: ['lib', 'src'] },
  ignore_watch: { argv: ['--ignore-watch', 'tmp, logs'], value: ['tmp', 'logs'] },
  watch_delay: { argv: ['--watch-delay', '2s'], value: 2000 },
  autostart: { argv: ['--no-autostart'], value: false },
  disable_logs: { argv: ['--disable-logs'], value: true },
  filter_env: { argv: ['--filter-env'], value: true },
  max_memory_restart: { argv: ['--max-memory-restart', '300M'], value: 300 * 1024 ** 2 },
  kill_timeout: { argv: ['-k', '10s'], value: 10_000 },
  kill_signal: { argv: ['--kill-signal', 'term'], value: 'SIGTERM' },
  restart_delay: { argv: ['--restart-delay', '250'], value: 250 },
  exp_backoff_restart_delay: { argv: ['--exp-backoff-restart-delay', '100ms'], value: 100 },
  max_restarts: { argv: ['--max-restarts', '3'], value: 3 },
  min_uptime: { argv: ['--min-uptime', '5s'], value: 5000 },
  autorestart: { argv: ['--no-autorestart'], value: false },
  stop_exit_codes: { argv: ['--stop-exit-codes', '0, 2'], value: [0, 2] },
  wait_ready: { argv: ['--wait-ready'], value: true },
  listen_timeout: { argv: ['--listen-timeout', '3s'], value: 3000 },
  hang_timeout: { argv: ['--hang-timeout', '5s'], value: 5000 },
  log_type: { argv: ['--log-type', 'json'], value: 'json' },
  balancer: { argv: ['--balancer', 'least-connections'], value: 'least-connections' },
  shutdown_with_message: { argv: ['--shutdown-with-message'], value: true },
  treekill: { argv: ['--no-treekill'], value: false },
  time: { argv: ['--time'], value: true },
  log_date_format: { argv: ['--log-date-format', 'YYYY-MM-DD HH:mm'], value: 'YYYY-MM-DD HH:mm' },
  out_file: { argv: ['-o', 'out.log'], value: join(CONFIGS, 'out.log') },
  error_file: { argv: ['-e', 'NULL'], value: '/dev/null' },
  // On by default: the flag exists for PM2 compatibility and can only confirm the default.
  merge_logs: { argv: ['--merge-logs'], value: true, sameAsDefault: true },
  cron_restart: { argv: ['-c', '0 * * * *'], value: '0 * * * *' },
};

const rows = Object.entries(START_FLAGS);
const appRows = rows.filter(([, row]) => !row.cliOnly);
const spellings = rows.flatMap(([, row]) => [row.flags, ...(row.aliases ?? []).map((a) => a.flags)]);

describe('the start flag table', () => {
  it('sets only keys the process-file schema knows, unless a row is marked CLI-only', () => {
    for (const [key, row] of rows) {
      if (row.cliOnly) assert.ok(!RAW_APP_KEYS.has(key), `CLI-only row "${key}" shadows a process-file key`);
      else assert.ok(RAW_APP_KEYS.has(key), `row "${key}" (${row.flags}) sets no key the schema knows`);
    }
    assert.deepEqual(
      rows.filter(([, r]) => r.cliOnly).map(([k]) => k),
      ['env_name', 'only', 'log_file', 'force', 'update_env', 'json', 'wait', 'hints'],
    );
  });

  it('gives every spelling its own short name, long name and attribute', () => {
    const options = spellings.map((s) => new Option(s));
    for (const part of ['short', 'long'] as const) {
      const names = options.map((o) => o[part]).filter((n) => n !== undefined);
      assert.equal(new Set(names).size, names.length, `${part} names repeat: ${names.join(' ')}`);
    }
    const attributes = options.map((o) => o.attributeName());
    assert.equal(new Set(attributes).size, attributes.length, attributes.join(' '));
  });

  it('is documented flag by flag in the start section of docs/cli.md', () => {
    const doc = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');
    const section = doc.split('\n## start\n')[1]?.split('\n## ')[0] ?? '';
    for (const s of spellings) {
      const line = new RegExp(`^ {2}${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} {2,}\\S`, 'm');
      assert.match(section, line, `docs/cli.md documents ${s}`);
    }
  });

  it('has a sample below for every flag that sets a key', () => {
    assert.deepEqual(appRows.map(([k]) => k).sort(), Object.keys(SAMPLES).sort());
  });

  const defaults = started([]);
  for (const [key, row] of appRows) {
    const sample = SAMPLES[key];
    it(`${row.flags} sets ${key} in the normalized config`, { skip: sample ? false : 'no sample' }, () => {
      const { argv, value, sameAsDefault } = sample!;
      const { entry, flagOf } = parseStart([SERVER, ...argv]);
      assert.ok(key in entry, `${argv.join(' ')} reaches the app entry as ${key}`);
      assert.equal(flagOf[key], new Option(row.flags).long);
      const app = started(argv) as Record<string, unknown>;
      assert.deepEqual(app[key], value);
      if (!sameAsDefault)
        assert.notDeepEqual(defaults[key as keyof AppConfig], value, 'not just the default');
    });
  }
});

describe('start flags into an app entry', () => {
  it('leaves out every flag not given, so the process-file defaults apply', () => {
    assert.deepEqual(parseStart([SERVER]).entry, { script: SERVER });
    const app = started([]);
    assert.equal(app.treekill, true);
    assert.equal(app.autorestart, true);
    assert.equal(app.exec_mode, 'fork');
  });

  it('passes the words after -- as args, flags among them included', () => {
    const { entry } = parseStart([SERVER, '--', '--port', '80', '-i', '2']);
    assert.deepEqual(entry, { script: SERVER, args: ['--port', '80', '-i', '2'] });
  });

  it('keeps --env, --only and --json out of the app entry', () => {
    const parsed = parseStart([SERVER, '--env', 'production', '--only', 'a,b', '--json']);
    assert.deepEqual(parsed.entry, { script: SERVER });
    const { env, only, json } = parsed.flags;
    assert.deepEqual({ env, only, json }, { env: 'production', only: 'a,b', json: true });
  });

  it('takes --node-args as --interpreter-args, the main spelling winning when both are given', () => {
    const alias = parseStart([SERVER, '--node-args', '--inspect']);
    assert.equal(alias.entry.interpreter_args, '--inspect');
    assert.equal(alias.flagOf.interpreter_args, '--node-args');
    assert.deepEqual(started(['--node-args', '--inspect']).interpreter_args, ['--inspect']);
    const both = parseStart([SERVER, '--node-args', '--a', '--interpreter-args', '--b']);
    assert.equal(both.entry.interpreter_args, '--b');
  });

  it('keeps --watch alone as true', () => {
    assert.equal(started(['--watch']).watch, true);
  });

  it('reports every bad flag value at once, naming the flag, as a file names the key', () => {
    let error: unknown;
    try {
      started(['-i', 'lots', '--min-uptime', 'soon', '--stop-exit-codes', '0,x', '--exec-mode', 'swarm']);
    } catch (err) {
      error = err;
    }
    assert.ok(isShoalError(error), `expected a ShoalError, got ${String(error)}`);
    assert.equal(error.code, 'SHOAL_ERR_CONFIG_INVALID');
    assert.match(
      error.message,
      /^start options: app "server": option --instances: expected a number, "max" or a negative number, got "lots"$/m,
    );
    assert.match(error.message, /option --min-uptime: expected a duration .*, got "soon"$/m);
    assert.match(error.message, /option --stop-exit-codes: expected an exit code or an array of exit codes/);
    assert.match(error.message, /option --exec-mode: expected "fork" or "cluster"/);
    const issues = error.details.issues as { key: string; flag?: string }[];
    assert.deepEqual(issues.map((i) => [i.key, i.flag]).sort(), [
      ['exec_mode', '--exec-mode'],
      ['instances', '--instances'],
      ['min_uptime', '--min-uptime'],
      ['stop_exit_codes', '--stop-exit-codes'],
    ]);
    assert.equal(error.details.file, undefined);
  });
});

describe('shoal start with flags', () => {
  it('runs the app with the flags applied', async (t) => {
    const home = createHome(t);
    await home.ok([
      'start',
      fixture('forever.js'),
      '--name',
      'flagged',
      '-k',
      '2s',
      '--no-treekill',
      '--stop-exit-codes',
      '0,3',
      '--max-memory-restart',
      '300M',
      '-c',
      '0 0 * * *',
      '--node-args',
      '--no-warnings',
      '--',
      'a',
      '-b',
    ]);
    const [d] = await home.describe('flagged');
    assert.ok(d);
    assert.equal(d.status, 'online');
    assert.equal(d.config.kill_timeout, 2000);
    assert.equal(d.config.treekill, false);
    assert.deepEqual(d.config.stop_exit_codes, [0, 3]);
    assert.equal(d.config.max_memory_restart, 300 * 1024 ** 2);
    assert.equal(d.config.cron_restart, '0 0 * * *');
    assert.deepEqual(d.config.interpreter_args, ['--no-warnings']);
    assert.deepEqual(d.config.args, ['a', '-b']);
  });

  it('refuses a bad flag value with exit 1 and the config code, naming the flag, and starts nothing', async (t) => {
    const home = createHome(t);
    await home.ok(['start', fixture('forever.js'), '--name', 'keep']);
    const [before] = await home.list();
    const res = await home.run(['start', fixture('forever.js'), '--name', 'bad', '-i', 'lots']);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /option --instances: expected a number, "max" or a negative number, got "lots"/);
    assert.match(res.stderr, /\[SHOAL_ERR_CONFIG_INVALID\]/);
    assert.doesNotMatch(res.stderr, /\n\s+at /, 'no stack trace without --verbose');
    const after = await home.list();
    assert.deepEqual(
      after.map((p) => [p.name, p.pid, p.restarts]),
      [['keep', before!.pid, 0]],
    );
  });
});
