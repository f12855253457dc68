// Which paths `watch` follows and which it ignores, as a pure function of the app's settings.
import assert from 'node:assert/strict';
import { describe, it } from '../helpers/node-test.js';
import { globToRegExp, watchRules } from '../../src/daemon/features/watch-rules.js';

describe('watch rules', () => {
  const rules = watchRules(
    { cwd: '/srv/app', watch: ['src', 'config.json'], ignore_watch: ['src/generated', '*.log', 'cache'] },
    { home: '/home/u/.shoal', logFiles: () => ['/srv/app/src/out.txt'] },
  );

  it('watches the given paths, relative to the app cwd', () => {
    assert.deepEqual(rules.roots, ['/srv/app/src', '/srv/app/config.json']);
  });

  for (const [path, ignored] of [
    ['/srv/app/src', false],
    ['/srv/app/src/index.js', false],
    ['/srv/app/config.json', false],
    ['/srv/app/src/node_modules/x/index.js', true],
    ['/srv/app/src/.git/HEAD', true],
    ['/srv/app/src/.env', true],
    ['/srv/app/src/generated/a.js', true],
    ['/srv/app/src/deep/debug.log', true],
    ['/srv/app/src/deep/cache/entry', true],
    ['/srv/app/src/out.txt', true],
    ['/home/u/.shoal/logs/app-out.log', false],
  ] as const) {
    it(`${ignored ? 'ignores' : 'watches'} ${path}`, () => assert.equal(rules.isIgnored(path), ignored));
  }

  it('ignores SHOAL_HOME when it lies under a watched path', () => {
    const r = watchRules(
      { cwd: '/srv/app', watch: true, ignore_watch: [] },
      { home: '/srv/app/shoal-home', logFiles: () => [] },
    );
    assert.equal(r.isIgnored('/srv/app/shoal-home/shoal.log'), true);
    assert.equal(r.isIgnored('/srv/app/index.js'), false);
  });

  it('turns globs into anchored expressions', () => {
    assert.equal(globToRegExp('logs/**/*.log').test('logs/a/b/c.log'), true);
    assert.equal(globToRegExp('logs/**/*.log').test('logs/c.log'), true);
    assert.equal(globToRegExp('*.log').test('a/b.log'), false);
    assert.equal(globToRegExp('file?.txt').test('file1.txt'), true);
  });
});
