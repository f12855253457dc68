// What an app is given: exactly the merged env plus SHOAL_* variables, literal args (no shell), and
// every kind of app: CommonJS, ESM, TypeScript, a command with another interpreter.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from '../helpers/node-test.js';
import { createHome, fixture, waitFor } from '../helpers/shoal.js';

function readJson<T>(path: string): T | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return null;
  }
}

describe('env and app kinds', () => {
  it('gives an app its env, env_<name> overlay and the SHOAL_* variables, and passes args literally', async (t) => {
    const home = createHome(t);
    const out = join(home.dir, 'env.json');
    const config = join(home.dir, 'ecosystem.config.cjs');
    writeFileSync(
      config,
      `module.exports = { apps: [{ name: 'envy', script: ${JSON.stringify(fixture('env-dump.js'))}, args: [${JSON.stringify(out)}, '$HOME', '; echo hacked'],
        env: { GREETING: 'hello', PORT: 3000 }, env_production: { GREETING: 'prod' } }] };`,
    );
    await home.ok(['start', config, '--env', 'production'], { env: { FROM_SHELL: 'yes' } });
    const dump = await waitFor('env dump', () =>
      readJson<{ env: Record<string, string>; argv: string[]; cwd: string }>(out),
    );
    assert.equal(dump.env.GREETING, 'prod');
    assert.equal(dump.env.PORT, '3000');
    assert.equal(dump.env.FROM_SHELL, 'yes', 'the CLI environment is the base layer');
    assert.equal(dump.env.SHOAL_APP_NAME, 'envy');
    assert.equal(dump.env.SHOAL_INSTANCE_ID, '0');
    assert.equal(dump.env.NODE_APP_INSTANCE, '0');
    assert.equal(dump.env.SHOAL_HOME, home.dir);
    assert.deepEqual(dump.argv, [out, '$HOME', '; echo hacked']);
    assert.equal(dump.cwd, home.dir);
  });

  it('drops the CLI environment with filter_env', async (t) => {
    const home = createHome(t);
    const out = join(home.dir, 'env.json');
    const config = join(home.dir, 'ecosystem.config.cjs');
    writeFileSync(
      config,
      `module.exports = { apps: [{ name: 'clean', script: ${JSON.stringify(fixture('env-dump.js'))}, args: [${JSON.stringify(out)}], filter_env: true, env: { ONLY: 'me' } }] };`,
    );
    await home.ok(['start', config], { env: { FROM_SHELL: 'yes' } });
    const dump = await waitFor('env dump', () => readJson<{ env: Record<string, string> }>(out));
    const keys = Object.keys(dump.env).filter((k) => !k.startsWith('SHOAL_') && k !== 'NODE_APP_INSTANCE');
    assert.deepEqual(keys, ['ONLY']);
  });

  for (const [label, file, expected] of [
    ['an ESM app', 'esm-app.mjs', 'esm ok true'],
    ['a TypeScript app', 'ts-app.ts', 'ts ok'],
  ] as const) {
    it(`runs ${label} in fork mode with no setup`, async (t) => {
      const home = createHome(t);
      const name = file.replace(/\W/g, '-');
      await home.ok(['start', fixture(file), '--name', name]);
      await waitFor(`"${expected}" in the log`, () =>
        readFileSync(home.logPath(name), 'utf8').includes(expected),
      );
      assert.equal((await home.list())[0]!.status, 'online');
    });
  }

  it('starts a command with another interpreter, given as one string', async (t) => {
    const home = createHome(t);
    await home.ok(['start', 'python3 worker.py --flag', '--name', 'py'], { cwd: fixture('') });
    await waitFor('python output', () =>
      readFileSync(home.logPath('py'), 'utf8').includes('python worker --flag'),
    );
    const [d] = await home.describe('py');
    assert.match(d!.config.script, /python3$/);
    // Run as its content says: directly when it is a binary, by its shebang's interpreter when it is a
    // script (version managers install python3 as a shell script).
    const head = readFileSync(d!.config.script).subarray(0, 2).toString('latin1');
    if (head === '#!') assert.match(d!.config.interpreter, /^\//);
    else assert.equal(d!.config.interpreter, 'none');
  });
});
