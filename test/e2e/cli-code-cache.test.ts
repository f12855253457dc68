// The CLI's bundle is compiled from the V8 code cache made when it was built (bin/cli-loader.js): the
// cache must be one this Node accepts, a cache of other code must be refused, and the CLI must still run
// when the cache is refused.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from '../helpers/node-test.js';
import { createHome, ROOT } from '../helpers/shoal.js';

interface Loader {
  BUNDLE: string;
  CACHE: string;
  compile(source: string, cachedData: Buffer | undefined): { cachedDataRejected?: boolean };
}
const loader = createRequire(import.meta.url)('../../bin/cli-loader.js') as Loader;

describe('the CLI code cache', () => {
  it('is accepted by the Node that built it', () => {
    const script = loader.compile(readFileSync(loader.BUNDLE, 'utf8'), readFileSync(loader.CACHE));
    assert.equal(script.cachedDataRejected, false);
  });

  it('is refused for code it was not made from', () => {
    const changed = `${readFileSync(loader.BUNDLE, 'utf8')}\n// changed\n`;
    const script = loader.compile(changed, readFileSync(loader.CACHE));
    assert.equal(script.cachedDataRejected, true);
  });

  it('is ignored when refused: the CLI compiles its bundle and runs', async (t) => {
    // A copy of the package whose cache is bytes V8 cannot use.
    const dir = mkdtempSync(join(tmpdir(), 'shoal-cache-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    cpSync(join(ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
    cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
    cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    writeFileSync(join(dir, 'dist', 'bundle', 'cli.cjs.cache'), randomBytes(4096));

    const home = createHome(t);
    const shoal = (args: string[]) =>
      execFileSync(process.execPath, [join(dir, 'bin', 'shoal.js'), ...args], {
        env: { ...process.env, SHOAL_HOME: home.dir, NO_COLOR: '1' },
        encoding: 'utf8',
      });
    assert.match(shoal(['ping']), /pong \(daemon pid \d+/);
    assert.deepEqual(JSON.parse(shoal(['ls', '--json'])), []);
    shoal(['kill']);
  });
});
