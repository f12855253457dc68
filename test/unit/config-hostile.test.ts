// Hostile and careless values in a process file or in a request on the control socket: numbers with no
// sane bound (instances: 1e9 exhausted the daemon's memory; kill_timeout: 1e12 overflowed Node's timers
// and fired at once), names that are control codes, reserved words, paths or too long, and values JSON
// cannot show (NaN). Each is refused with a coded error naming the key, by the loader and, for what a
// client of its own could send, by the daemon's schema too.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { appFromCli, loadProcessFile } from '../../src/config/index.js';
import { isShoalError } from '../../src/errors.js';
import { scaleCount } from '../../src/daemon/scale-count.js';
import { AppConfigSchema } from '../../src/protocol/app-config.js';
import { MAX_DURATION_MS } from '../../src/protocol/limits.js';
import { describe, test } from '../helpers/node-test.js';

const SCRIPT = join(fileURLToPath(new URL('../fixtures/forever.js', import.meta.url)));
const DURATIONS = [
  'min_uptime',
  'restart_delay',
  'exp_backoff_restart_delay',
  'exp_backoff_max_delay',
  'kill_timeout',
  'listen_timeout',
  'watch_delay',
];

/** [key, value, what the message must say]. */
const BAD: [string, unknown, RegExp][] = [
  ['instances', 1e9, /at most 1024 instances/],
  ['instances', 1025, /at most 1024 instances/],
  ['instances', '99999999999', /at most 1024 instances/],
  ['instances', Number.NaN, /got NaN/],
  ['instances', Number.POSITIVE_INFINITY, /got Infinity/],
  ['max_restarts', 1e12, /from 0 to 2147483647/],
  ['max_restarts', Number.NaN, /got NaN/],
  ['max_memory_restart', 1e300, /at most 8 PiB/],
  ...DURATIONS.flatMap((key): [string, unknown, RegExp][] => [
    [key, 1e12, /at most 2147483647 ms/],
    [key, MAX_DURATION_MS + 1, /at most 2147483647 ms/],
    [key, '25d', /at most 2147483647 ms/],
    [key, Number.NaN, /got NaN/],
    [key, Number.NEGATIVE_INFINITY, /got -Infinity/],
  ]),
  ['name', 'all', /reserves/],
  ['name', '__proto__', /reserves/],
  ['name', 'constructor', /reserves/],
  ['name', '..', /other than "\." or "\.\."/],
  ['name', '.', /other than "\." or "\.\."/],
  ['name', '../../escape', /without "\/"/],
  ['name', 'sp ace', /without "\/", ":" or whitespace/],
  ['name', 'x'.repeat(129), /at most 128 characters/],
  ['name', 'x'.repeat(300), /at most 128 characters/],
  ['name', 'red\u001b[31m', /without control characters/],
  ['name', 'bell\u0007', /without control characters/],
  ['name', 'csi\u009b2J', /without control characters/],
  ['name', 'nul\u0000', /without control characters/],
  ['name', 'del\u007f', /without control characters/],
  ['namespace', 'all', /reserves/],
  ['namespace', 'ns\u001b', /without control characters/],
];

describe('hostile values in a process file or start options', () => {
  for (const [key, value, message] of BAD) {
    test(`refuses ${key} = ${typeof value === 'string' ? JSON.stringify(value).slice(0, 40) : String(value)}`, () => {
      try {
        appFromCli({ script: SCRIPT, name: 'n', [key]: value }, { cwd: '/' });
      } catch (err) {
        assert.ok(isShoalError(err), String(err));
        assert.equal(err.code, 'SHOAL_ERR_CONFIG_INVALID');
        assert.match(err.message, message);
        assert.match(err.message, new RegExp(`"${key}"`));
        // Never a raw escape code in what reaches the terminal.
        // biome-ignore lint/suspicious/noControlCharactersInRegex: checking that none are left
        assert.doesNotMatch(err.message, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
        return;
      }
      assert.fail(`${key} = ${String(value)} was accepted`);
    });
  }

  test('keeps accepting the largest values that work', () => {
    const loaded = appFromCli(
      {
        script: SCRIPT,
        name: 'c@1',
        instances: 1024,
        kill_timeout: MAX_DURATION_MS,
        max_restarts: 2 ** 31 - 1,
      },
      { cwd: '/' },
    );
    assert.equal(loaded.apps[0]!.kill_timeout, MAX_DURATION_MS);
    assert.equal(loaded.apps[0]!.name, 'c@1');
  });
});

describe('the daemon checks a start request again', () => {
  const good = AppConfigSchema.parse(appFromCli({ script: SCRIPT, name: 'fine' }, { cwd: '/' }).apps[0]);
  const DAEMON_BAD: [string, unknown][] = [
    ['name', '../../escape'],
    ['name', '..'],
    ['name', 'all'],
    ['name', '__proto__'],
    ['name', 'x'.repeat(300)],
    ['name', 'esc\u001b]0;title\u0007'],
    ['namespace', '../x'],
    ['instances', 1e9],
    ['kill_timeout', 1e12],
    ['listen_timeout', 2 ** 31],
    ['max_restarts', 2 ** 40],
  ];
  for (const [key, value] of DAEMON_BAD) {
    test(`refuses ${key} = ${JSON.stringify(value).slice(0, 40)} from the socket`, () => {
      const res = AppConfigSchema.safeParse({ ...good, [key]: value });
      assert.equal(res.success, false);
      assert.deepEqual(res.error?.issues[0]?.path, [key]);
    });
  }
  test('tries every bad input it lists', (t) => {
    t.diagnostic(`bad inputs tried: ${BAD.length + DAEMON_BAD.length}`);
    assert.ok(BAD.length + DAEMON_BAD.length >= 70);
  });
});

describe('scale counts past the bound', () => {
  const BAD_SCALE: (number | string)[] = [1025, 1e9, '+1024', '99999999999999999999', Number.NaN];
  for (const n of BAD_SCALE) {
    test(`refuses scaling to ${String(n)}`, (t) => {
      assert.throws(
        () => scaleCount('api', 1, n, 4),
        (err: unknown) => isShoalError(err) && err.code === 'SHOAL_ERR_SCALE_INVALID',
      );
      t.diagnostic('bad inputs tried: 1');
    });
  }
  test('scales to the bound itself', () => {
    assert.equal(scaleCount('api', 1, '+1023', 4), 1024);
  });
});

describe('process files that defeat the parser', () => {
  const FILES: [string, string, RegExp][] = [
    [
      'deep.json',
      `{"apps":[{"script":"a.js","env":{"X":${'['.repeat(100_000)}${']'.repeat(100_000)}}}]}`,
      /nest more than 64 levels deep/,
    ],
    [
      'deep.yaml',
      `apps:\n  - script: a.js\n    extra: ${'['.repeat(2000)}${']'.repeat(2000)}\n`,
      /nest more than 64 levels deep|nest too deeply to be read/,
    ],
    [
      'slow.json',
      '{apps: [{script: "a.js", name: (() => { for (;;) {} })()}]}',
      /did not finish within 2000 ms/,
    ],
  ];
  for (const [name, text, message] of FILES) {
    test(`answers ${name} with a coded error`, async (t) => {
      const dir = mkdtempSync(join(tmpdir(), 'shoal-hostile-'));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      writeFileSync(join(dir, name), text);
      await assert.rejects(loadProcessFile(join(dir, name), { cwd: dir, envName: null }), (err: unknown) => {
        assert.ok(isShoalError(err), String(err));
        assert.equal(err.code, 'SHOAL_ERR_CONFIG_LOAD');
        assert.match(err.message, message);
        assert.match(err.message, new RegExp(name.replace('.', '\\.')));
        return true;
      });
      t.diagnostic('bad inputs tried: 1');
    });
  }
});
