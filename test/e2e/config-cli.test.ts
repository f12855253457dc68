// `shoal config` and `shoal start` with process files through the real binary: normalized output,
// clear errors naming file, app and key, exit 1, and nothing running is changed by bad input.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from '../helpers/node-test.js';
import { createHome, fixture } from '../helpers/shoal.js';

describe('process files from the CLI', () => {
  it('prints the normalized apps without starting anything', async (t) => {
    const home = createHome(t);
    const file = join(home.dir, 'ecosystem.config.js');
    writeFileSync(
      file,
      `module.exports = { apps: [{ name: 'api', script: ${JSON.stringify(fixture('http-hello.js'))}, args: '--port 3000 --verbose',
        instances: 'max', exec_mode: 'cluster', env: { NODE_ENV: 'development' }, env_production: { NODE_ENV: 'production' },
        max_restarts: 5, min_uptime: '2s', restart_delay: 100 }] };`,
    );
    writeFileSync(join(home.dir, 'package.json'), '{"type":"commonjs"}');
    const res = await home.ok(['config', file, '--env', 'production', '--json']);
    const { apps } = JSON.parse(res.stdout) as { apps: Array<Record<string, unknown>> };
    assert.equal(apps.length, 1);
    const app = apps[0]!;
    assert.equal(app.name, 'api');
    assert.equal(app.script, fixture('http-hello.js'));
    assert.equal(app.cwd, home.dir);
    assert.deepEqual(app.args, ['--port', '3000', '--verbose']);
    assert.equal(app.exec_mode, 'cluster');
    assert.equal(app.instances, 'max');
    assert.deepEqual(app.env, { NODE_ENV: 'production' });
    assert.equal(app.max_restarts, 5);
    assert.equal(app.min_uptime, 2000);
    assert.equal(app.restart_delay, 100);
    assert.equal(home.daemonPid(), null, 'no daemon was started');
  });

  it('rejects an invalid file with exit 1, naming file, app and key, and changes nothing running', async (t) => {
    const home = createHome(t);
    await home.ok(['start', fixture('forever.js'), '--name', 'keep']);
    const [before] = await home.list();
    const file = join(home.dir, 'bad.config.cjs');
    writeFileSync(
      file,
      `module.exports = { apps: [{ name: 'keep', script: ${JSON.stringify(fixture('forever.js'))}, instances: 'lots' }] };`,
    );
    for (const cmd of [
      ['config', file],
      ['start', file],
    ]) {
      const res = await home.run(cmd);
      assert.equal(res.code, 1, `${cmd[0]} exits 1`);
      assert.match(res.stderr, /bad\.config\.cjs/);
      assert.match(res.stderr, /app "keep"/);
      assert.match(res.stderr, /"instances"/);
      assert.match(res.stderr, /SHOAL_ERR_CONFIG_INVALID/);
      assert.doesNotMatch(res.stderr, /\n\s+at /, 'no stack trace without --verbose');
    }
    const [after] = await home.list();
    assert.equal(after!.pid, before!.pid);
    assert.equal(after!.restarts, 0);
  });

  it('rejects duplicate app names', async (t) => {
    const home = createHome(t);
    const file = join(home.dir, 'dup.json');
    const app = { name: 'same', script: fixture('forever.js') };
    writeFileSync(file, JSON.stringify({ apps: [app, app] }));
    const res = await home.run(['config', file]);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /same/);
    assert.match(res.stderr, /used by one app only.*apps #1 and #2/);
  });

  it('rejects a malformed store or auth setting instead of ignoring it', async (t) => {
    const home = createHome(t);
    const file = join(home.dir, 'runtime.json');
    writeFileSync(
      file,
      JSON.stringify({
        apps: [
          { name: 'a', script: fixture('forever.js'), store: { backend: 'redis' } },
          { name: 'b', script: fixture('forever.js'), auth: { secret: 'short' } },
          {
            name: 'c',
            script: fixture('forever.js'),
            store: { backend: 'redis', url: 'redis://127.0.0.1:6379' },
          },
        ],
      }),
    );
    const res = await home.run(['config', file]);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /app "a": key "store"/);
    assert.match(res.stderr, /app "b": key "auth"/);
    assert.doesNotMatch(res.stderr, /app "c"/);
  });

  it('warns about unknown keys but starts the app', async (t) => {
    const home = createHome(t);
    const file = join(home.dir, 'apps.yaml');
    writeFileSync(file, `apps:\n  - name: yml\n    script: ${fixture('forever.js')}\n    colour: blue\n`);
    const res = await home.ok(['start', file]);
    assert.match(res.stderr, /colour/);
    assert.equal((await home.list())[0]!.status, 'online');
  });

  it('starts a .mjs process file with export default', async (t) => {
    const home = createHome(t);
    const file = join(home.dir, 'ecosystem.config.mjs');
    writeFileSync(
      file,
      `export default { apps: [{ name: 'esmconf', script: ${JSON.stringify(fixture('forever.js'))} }] };`,
    );
    await home.ok(['start', file]);
    assert.equal((await home.list())[0]!.name, 'esmconf');
  });

  it('keeps what a JS process file prints off stdout, and reports one that ends the process', async (t) => {
    const home = createHome(t);
    const cwd = fixture('configs');
    const printed = await home.ok(['config', 'prints.config.cjs', '--json'], { cwd });
    assert.equal((JSON.parse(printed.stdout) as { apps: { name: string }[] }).apps[0]!.name, 'prints');
    assert.match(printed.stderr, /loading the process file/);
    const exits = await home.run(['start', 'exits.config.cjs'], { cwd });
    assert.equal(exits.code, 1);
    assert.match(
      exits.stderr,
      /^shoal: exits\.config\.cjs: called process\.exit\(3\) while being evaluated.*\[SHOAL_ERR_CONFIG_LOAD\]$/m,
    );
    assert.equal(exits.stdout, '');
  });
});
