#!/usr/bin/env node
// The system packages the tests need, each with how to tell it is there, and what to do when some are
// missing: `npm test` and .ci/run call this first, so that a machine without them hears so at once
// instead of after minutes of tests. Only Node's own modules: it runs before `npm ci` on a bare machine.
//   all present                          exit 0
//   missing, root with apt-get           install them (apt-get update, apt-get install -y), exit 0
//   missing otherwise                    name them and the install command, exit 1
//   SHOAL_SKIP_SYSTEM_DEPS=1             skip the check (the tests that need a missing package fail)
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Present when command is an executable file in one of PATH's directories. */
export const onPath = (command) => ({
  what: `${command} on PATH`,
  test: (env) => findOnPath(command, env.PATH ?? '') !== null,
});

/** Present when path is an executable file. */
export const executable = (path) => ({ what: path, test: () => isExecutableFile(path) });

/** Present when the command runs and exits 0 (bounded: a hung probe counts as missing). */
export const succeeds = (command, ...args) => ({
  what: [command, ...args].join(' '),
  test: (env) => spawnSync(command, args, { stdio: 'ignore', timeout: 10_000, env }).status === 0,
});

// One line per Debian package: name, how it is detected, which tests need it.
export const SYSTEM_PACKAGES = [
  { name: 'python3', present: onPath('python3'), for: 'a Python app under Shoal; the launchd plist check' },
  { name: 'systemd', present: onPath('systemd-analyze'), for: 'verifying the unit shoal startup writes' },
  { name: 'tmux', present: onPath('tmux'), for: 'shoal monit in a real terminal' },
  { name: 'chromium', present: executable('/usr/bin/chromium'), for: 'the web dashboard in a real browser' },
  {
    name: 'python3-prometheus-client',
    present: succeeds('/usr/bin/python3', '-c', 'import prometheus_client'),
    for: 'the reference parser for /metrics',
  },
  { name: 'redis-server', present: onPath('redis-server'), for: 'the store and runtime tests on Redis' },
  { name: 'util-linux', present: onPath('unshare'), for: 'shoal run as PID 1 of a new PID namespace' },
  { name: 'iproute2', present: onPath('ip'), for: 'the multi-host test: network namespaces and veth pairs' },
  {
    name: 'haproxy',
    present: onPath('haproxy'),
    for: 'the multi-host test: the load balancer in front of two hosts',
  },
];

export function isExecutableFile(path) {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findOnPath(command, pathList) {
  for (const dir of pathList.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, command);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

/** The packages whose detector says they are not there (a detector that throws counts as missing). */
export function missingPackages(packages, env = process.env) {
  return packages.filter((p) => {
    try {
      return !p.present.test(env);
    } catch {
      return true;
    }
  });
}

/** The command a user runs to install the packages. */
export function installCommand(names, { root }) {
  return `${root ? '' : 'sudo '}apt-get install -y ${names.join(' ')}`;
}

/** What to do: 'ok', 'skip', 'install' (root with apt-get) or 'stop', with the missing packages. */
export function decide(packages, env, { root }) {
  if (env.SHOAL_SKIP_SYSTEM_DEPS === '1') return { action: 'skip', missing: [] };
  const missing = missingPackages(packages, env);
  if (missing.length === 0) return { action: 'ok', missing };
  const canInstall = root && findOnPath('apt-get', env.PATH ?? '') !== null;
  return { action: canInstall ? 'install' : 'stop', missing };
}

function describeMissing(missing) {
  const width = Math.max(...missing.map((p) => p.name.length));
  return missing
    .map((p) => `  ${p.name.padEnd(width)}  for ${p.for} (looked for ${p.present.what})`)
    .join('\n');
}

function apt(args, env) {
  const res = spawnSync('apt-get', args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return res.status === 0;
}

function main() {
  const env = process.env;
  const root = process.getuid?.() === 0;
  const { action, missing } = decide(SYSTEM_PACKAGES, env, { root });
  if (action === 'skip') {
    console.log('system packages: not checked (SHOAL_SKIP_SYSTEM_DEPS=1)');
    return 0;
  }
  if (action === 'ok') {
    console.log(`system packages: all ${SYSTEM_PACKAGES.length} the tests need are present`);
    return 0;
  }
  const names = missing.map((p) => p.name);
  if (action === 'stop') {
    console.error(
      `The tests need system packages this machine does not have:\n${describeMissing(missing)}\n\n` +
        `Install them with:\n  ${installCommand(names, { root })}\n\n` +
        'Or set SHOAL_SKIP_SYSTEM_DEPS=1 to run the tests anyway: the tests that need them will fail.',
    );
    return 1;
  }
  console.log(`system packages: installing what the tests need: ${names.join(' ')}`);
  if (!apt(['update', '-qq'], env) || !apt(['install', '-y', '-qq', ...names], env)) {
    console.error(`system packages: apt-get could not install ${names.join(' ')}`);
    return 1;
  }
  const still = missingPackages(SYSTEM_PACKAGES, env);
  if (still.length > 0) {
    console.error(`system packages: still missing after apt-get install:\n${describeMissing(still)}`);
    return 1;
  }
  return 0;
}

// Run as a script, not when a test imports it.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exit(main());
