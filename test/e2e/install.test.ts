// Installing Shoal as the README says: pack the package, install the tarball into a temporary prefix,
// run `shoal` from there (version, a TypeScript app through the bundled loader), and install it into a
// temporary app that imports shoal/runtime and shoal. Uses the built dist/ (npm pack --ignore-scripts);
// dependencies come from npm's cache where it has them.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from '../helpers/node-test.js';
import { ROOT, waitFor } from '../helpers/shoal.js';

const run = promisify(execFile);
const NPM_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];

describe('installing the package', () => {
  it('installs from a packed tarball into a prefix and into an app', { timeout: 600_000 }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'shoal-install-'));
    const home = join(dir, 'home');
    const prefix = join(dir, 'prefix');
    const env = { ...process.env, SHOAL_HOME: home, NO_COLOR: '1' };
    const shoal = join(prefix, 'bin', 'shoal');
    t.after(async () => {
      await run(shoal, ['kill'], { env }).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    });
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string })
      .version;

    await run('npm', ['pack', '--ignore-scripts', '--pack-destination', dir, ...NPM_FLAGS], { cwd: ROOT });
    const tarball = join(dir, `shoal-${version}.tgz`);
    const listing = (await run('tar', ['tzf', tarball])).stdout.split('\n');
    assert.ok(listing.includes('package/dist/cli/index.js'), 'the built CLI is in the tarball');
    assert.ok(listing.includes('package/dist/index.d.ts'), 'the types are in the tarball');
    assert.ok(
      !listing.some((f) => f.startsWith('package/src/') || f.startsWith('package/test/')),
      'no sources',
    );

    await run('npm', ['install', '-g', '--prefix', prefix, tarball, ...NPM_FLAGS], { env });
    assert.equal((await run(shoal, ['--version'], { env })).stdout.trim(), version);

    // The installed CLI runs a TypeScript app through its bundled loader.
    const app = join(dir, 'app');
    mkdirSync(app);
    const out = join(dir, 'ts-ran');
    writeFileSync(
      join(app, 'job.ts'),
      `import { writeFileSync } from 'node:fs';\nconst n: number = 42;\nwriteFileSync(${JSON.stringify(out)}, String(n));\nsetInterval(() => {}, 1000);\n`,
    );
    await run(shoal, ['start', join(app, 'job.ts'), '--name', 'job'], { env });
    await waitFor('the TypeScript app to run', () => {
      try {
        return readFileSync(out, 'utf8') === '42';
      } catch {
        return false;
      }
    });

    // An app that depends on the tarball imports the runtime and the API.
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    await run('npm', ['install', tarball, ...NPM_FLAGS], { cwd: app, env });
    writeFileSync(
      join(app, 'check.mjs'),
      `import { metrics, ready } from 'shoal/runtime';\nimport { connect, defineConfig } from 'shoal';\nmetrics.counter('x_total', 'x').inc();\nready();\nconst client = await connect({ autoStart: false });\nconst names = (await client.list()).map((p) => p.name);\nclient.close();\nconsole.log(JSON.stringify({ names, config: typeof defineConfig }));\n`,
    );
    const checked = JSON.parse((await run(process.execPath, ['check.mjs'], { cwd: app, env })).stdout) as {
      names: string[];
      config: string;
    };
    assert.deepEqual(checked, { names: ['job'], config: 'function' });
  });
});
