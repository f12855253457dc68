// The system-package check that npm test and .ci/run start with (scripts/system-deps.js): how packages
// are detected, which are missing, and what it decides to do, on a fake PATH and scripted detectors.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { TestContext } from 'node:test';
import {
  decide,
  executable,
  findOnPath,
  installCommand,
  missingPackages,
  onPath,
  SYSTEM_PACKAGES,
  type SystemPackage,
  succeeds,
} from '../../scripts/system-deps.js';
import { describe, it } from '../helpers/node-test.js';
import { ROOT } from '../helpers/shoal.js';

/** Two PATH directories: one with an executable tmux and apt-get, one with a redis-server that is not executable and a python3 that is a directory. */
function fakePath(t: TestContext): { path: string; dirs: string[] } {
  const root = mkdtempSync(join(tmpdir(), 'shoal-deps-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const [a, b] = [join(root, 'a'), join(root, 'b')];
  mkdirSync(a);
  mkdirSync(b);
  for (const name of ['tmux', 'apt-get']) {
    writeFileSync(join(a, name), '#!/bin/sh\n');
    chmodSync(join(a, name), 0o755);
  }
  writeFileSync(join(b, 'redis-server'), '#!/bin/sh\n');
  chmodSync(join(b, 'redis-server'), 0o644);
  mkdirSync(join(b, 'python3'));
  return { path: ['', a, b].join(delimiter), dirs: [a, b] };
}

const pkg = (name: string, present: boolean | (() => boolean)): SystemPackage => ({
  name,
  for: `tests of ${name}`,
  present: {
    what: name,
    test: typeof present === 'function' ? present : () => present,
  },
});

describe('system packages: detection', () => {
  it('finds a command only as an executable file on PATH', (t) => {
    const { path, dirs } = fakePath(t);
    const env = { PATH: path };
    assert.equal(findOnPath('tmux', path), join(dirs[0]!, 'tmux'));
    assert.equal(onPath('tmux').test(env), true);
    assert.equal(onPath('redis-server').test(env), false, 'not executable');
    assert.equal(onPath('python3').test(env), false, 'a directory');
    assert.equal(onPath('chromium').test(env), false, 'absent');
    assert.equal(onPath('tmux').test({}), false, 'no PATH at all');
  });

  it('checks a fixed path for an executable file', (t) => {
    const { dirs } = fakePath(t);
    assert.equal(executable(join(dirs[0]!, 'tmux')).test({}), true);
    assert.equal(executable(join(dirs[1]!, 'redis-server')).test({}), false);
    assert.equal(executable(join(dirs[1]!, 'no-such-browser')).test({}), false);
  });

  it('counts a probe command that cannot start as missing', () => {
    assert.equal(succeeds('/nonexistent/python3', '-c', 'import x').test(process.env), false);
  });

  it('lists the missing packages in order, a detector that throws among them', () => {
    const packages = [
      pkg('here', true),
      pkg('gone', false),
      pkg('broken', () => {
        throw new Error('probe failed');
      }),
      pkg('also-here', true),
    ];
    assert.deepEqual(
      missingPackages(packages, {}).map((p) => p.name),
      ['gone', 'broken'],
    );
  });

  it('passes the environment to the detectors', (t) => {
    const { path } = fakePath(t);
    const packages = [pkg('tmux', false), { ...pkg('tmux', false), present: onPath('tmux') }];
    assert.deepEqual(
      missingPackages(packages, { PATH: path }).map((p) => p.present.what),
      ['tmux'],
    );
    assert.equal(missingPackages(packages, { PATH: '' }).length, 2);
  });
});

describe('system packages: what to do', () => {
  const packages = [pkg('present', true), pkg('absent-a', false), pkg('absent-b', false)];

  it('goes on when everything is there', () => {
    assert.deepEqual(decide([pkg('present', true)], { PATH: '' }, { root: false }), {
      action: 'ok',
      missing: [],
    });
  });

  it('installs as root where apt-get is on PATH', (t) => {
    const { path } = fakePath(t);
    const d = decide(packages, { PATH: path }, { root: true });
    assert.equal(d.action, 'install');
    assert.deepEqual(
      d.missing.map((p) => p.name),
      ['absent-a', 'absent-b'],
    );
  });

  it('stops as root without apt-get, and as any other user', (t) => {
    const { path, dirs } = fakePath(t);
    assert.equal(decide(packages, { PATH: dirs[1]! }, { root: true }).action, 'stop');
    const d = decide(packages, { PATH: path }, { root: false });
    assert.equal(d.action, 'stop');
    assert.deepEqual(
      d.missing.map((p) => p.name),
      ['absent-a', 'absent-b'],
    );
  });

  it('skips the check only when SHOAL_SKIP_SYSTEM_DEPS is 1', () => {
    assert.equal(decide(packages, { PATH: '', SHOAL_SKIP_SYSTEM_DEPS: '1' }, { root: false }).action, 'skip');
    assert.equal(decide(packages, { PATH: '', SHOAL_SKIP_SYSTEM_DEPS: '0' }, { root: false }).action, 'stop');
  });

  it('gives the exact install command, with sudo for a user who is not root', () => {
    assert.equal(
      installCommand(['tmux', 'chromium'], { root: false }),
      'sudo apt-get install -y tmux chromium',
    );
    assert.equal(installCommand(['tmux'], { root: true }), 'apt-get install -y tmux');
  });
});

describe('system packages: the list', () => {
  it('names each package once, with what needs it and what is looked for', () => {
    const names = SYSTEM_PACKAGES.map((p) => p.name);
    assert.ok(names.length > 0);
    assert.equal(new Set(names).size, names.length, names.join(', '));
    for (const p of SYSTEM_PACKAGES) {
      assert.ok(p.for.length > 0, `${p.name} says which tests need it`);
      assert.ok(p.present.what.length > 0, `${p.name} says what is looked for`);
    }
  });

  it("is the list the README's test section gives", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.split('\n## ').find((s) => s.startsWith('Running the tests'));
    assert.ok(section, 'the README has a "Running the tests" section');
    const listed = [...section.matchAll(/^\| `([a-z0-9.+-]+)` \|/gm)].map((m) => m[1]);
    assert.deepEqual([...listed].sort(), SYSTEM_PACKAGES.map((p) => p.name).sort());
  });
});
