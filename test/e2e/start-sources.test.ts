// Where `shoal start` takes its apps from: the ecosystem file of the current directory when no argument
// is given, a JSON process file on stdin with "-", TypeScript process files through the bundled tsx;
// and a file that reads as a process file in a format Shoal cannot load is refused, not run as a script.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from '../helpers/node-test.js';
import { createHome, fixture } from '../helpers/shoal.js';

const forever = JSON.stringify(fixture('forever.js'));

describe('start sources', () => {
  it('starts ./ecosystem.config.* when no argument is given, preferring .js, and says so when there is none', async (t) => {
    const home = createHome(t);
    const dir = join(home.dir, 'project');
    mkdirSync(dir);
    const none = await home.run(['start'], { cwd: dir });
    assert.equal(none.code, 1);
    assert.match(
      none.stderr,
      /has none \(looked for ecosystem\.config\.js, ecosystem\.config\.cjs.*shoal init.*\[SHOAL_ERR_CONFIG_NOT_FOUND\]/,
    );
    assert.equal(home.daemonPid(), null, 'nothing started');
    writeFileSync(
      join(dir, 'ecosystem.json'),
      JSON.stringify({ apps: [{ name: 'from-json', script: fixture('forever.js') }] }),
    );
    writeFileSync(
      join(dir, 'ecosystem.config.js'),
      `module.exports = { apps: [{ name: 'from-js', script: ${forever} }] };`,
    );
    await home.ok(['start'], { cwd: dir });
    assert.deepEqual(
      (await home.list()).map((p) => p.name),
      ['from-js'],
    );
  });

  it('reads a JSON process file from stdin with "-"', async (t) => {
    const home = createHome(t);
    const input = JSON.stringify({
      apps: [{ name: 'piped', script: fixture('forever.js'), instances: 2, exec_mode: 'fork' }],
    });
    const res = await home.ok(['start', '-', '--json'], { input });
    assert.deepEqual(
      (JSON.parse(res.stdout) as { name: string }[]).map((p) => p.name),
      ['piped', 'piped'],
    );
    const bad = await home.run(['start', '-'], { input: '{"apps": [' });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^shoal: stdin(:\d+)?: syntax error: .*\[SHOAL_ERR_CONFIG_LOAD\]$/m);
    const invalid = await home.run(['start', '-'], {
      input: '{"apps": [{"name": "x", "script": "./forever.js", "instances": "lots"}]}',
    });
    assert.match(invalid.stderr, /^shoal: stdin: app "x": key "instances": /m);
  });

  for (const [file, body] of [
    [
      'ecosystem.config.ts',
      `const apps: { name: string; script: string }[] = [{ name: 'ts-default', script: ${forever} }];\nexport default { apps };\n`,
    ],
    [
      'ecosystem.config.cts',
      `const apps: Array<Record<string, unknown>> = [{ name: 'ts-cjs', script: ${forever} }];\nmodule.exports = { apps };\n`,
    ],
    [
      'ecosystem.config.mts',
      `const name: string = 'ts-esm';\nexport default { apps: [{ name, script: ${forever} }] };\n`,
    ],
  ] as const) {
    it(`loads ${file} through the bundled TypeScript loader`, async (t) => {
      const home = createHome(t);
      const path = join(home.dir, file);
      writeFileSync(path, body);
      await home.ok(['start', path]);
      const [p] = await home.list();
      assert.ok(p);
      assert.match(p.name, /^ts-/);
      assert.equal(p.status, 'online');
      assert.ok(!p.name.startsWith('ecosystem'), 'the file was loaded, not run as an app');
    });
  }

  it('refuses a process-file name in a format it cannot load instead of running it', async (t) => {
    const home = createHome(t);
    for (const name of ['ecosystem.config.toml', 'ecosystem.coffee', 'app.config.ini']) {
      const path = join(home.dir, name);
      writeFileSync(path, 'apps = []\n');
      const res = await home.run(['start', path]);
      assert.equal(res.code, 1, name);
      assert.match(res.stderr, /unsupported process file type.*\[SHOAL_ERR_CONFIG_LOAD\]/);
    }
    assert.equal(home.daemonPid(), null, 'no daemon, no app');
  });
});
