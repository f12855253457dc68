// Log files at paths the user chose, against what another user can plant there: a symbolic link to a
// file only we may write (which the daemon would append to, and the planter read back), or a file of
// their own. And the start around them: every app's logs are checked before any app starts, so a
// refused start changes nothing; a path under /proc, where creating a directory never finishes, is
// refused in bounded time while the daemon goes on answering; log directories are 0700 under any umask.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  chownSync,
  existsSync,
  lchownSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, it } from '../helpers/node-test.js';
import { createOtherUser, otherUserUnavailable } from '../helpers/other-user.js';
import { BIN, createHome, fixture, type ShoalHome, waitFor } from '../helpers/shoal.js';

const noOtherUser = otherUserUnavailable() ?? false;

async function refusedStart(home: ShoalHome, args: string[], pattern: RegExp): Promise<void> {
  const res = await home.run(['start', ...args]);
  assert.equal(res.code, 1, `start must fail: ${res.stdout}${res.stderr}`);
  assert.match(res.stderr, /SHOAL_ERR_LOG_FILE/);
  assert.match(res.stderr, pattern);
  assert.deepEqual(await home.list(), [], 'a refused start runs and registers nothing');
}

describe('log files another user could have planted', { skip: noOtherUser }, () => {
  it('never follows their symbolic link to a file only we can write, nor writes into their file', async (t) => {
    const other = createOtherUser(t);
    const home = createHome(t);
    // Ours, private: what the planted link points at.
    const vault = join(home.dir, 'vault');
    mkdirSync(vault, { mode: 0o700 });
    const secret = join(vault, 'root-only');
    writeFileSync(secret, 'untouched\n', { mode: 0o600 });
    // Theirs: a directory they own, where our app's log will be.
    const shared = join(home.dir, 'shared');
    mkdirSync(shared, { mode: 0o755 });
    chownSync(shared, other.uid, other.gid);
    symlinkSync(secret, join(shared, 'app.log'));
    lchownSync(join(shared, 'app.log'), other.uid, other.gid);
    await refusedStart(
      home,
      [fixture('print-lines.js'), '--name', 'victim', '--output', join(shared, 'app.log'), '--', '5'],
      /App "victim": out_file .*app\.log cannot be used: it is a symbolic link that another user could have planted/,
    );
    assert.equal(readFileSync(secret, 'utf8'), 'untouched\n');

    // A file of theirs: our log lines would be theirs to read.
    writeFileSync(join(shared, 'theirs.log'), '');
    chownSync(join(shared, 'theirs.log'), other.uid, other.gid);
    await refusedStart(
      home,
      [fixture('print-lines.js'), '--name', 'victim', '--output', join(shared, 'theirs.log'), '--', '5'],
      new RegExp(`the file belongs to uid ${other.uid}, not to you`),
    );
    assert.equal(readFileSync(join(shared, 'theirs.log'), 'utf8'), '');
  });
});

describe('log files and the start around them', () => {
  it('follows a symbolic link that is ours, in a directory of ours', async (t) => {
    const home = createHome(t);
    const target = join(home.dir, 'real.log');
    symlinkSync(target, join(home.dir, 'link.log'));
    await home.ok([
      'start',
      fixture('print-lines.js'),
      '--name',
      'linked',
      '--output',
      join(home.dir, 'link.log'),
      '--',
      '3',
    ]);
    await waitFor(
      'the lines in the link target',
      () => existsSync(target) && readFileSync(target, 'utf8').includes('done'),
    );
  });

  it('starts none of three apps when the second cannot open its log, leaving no ghost behind', async (t) => {
    const home = createHome(t);
    const plain = join(home.dir, 'plain-file');
    writeFileSync(plain, 'not a directory');
    const file = join(home.dir, 'apps.json');
    const app = (name: string, extra: Record<string, unknown> = {}) => ({
      name,
      script: fixture('forever.js'),
      ...extra,
    });
    writeFileSync(
      file,
      JSON.stringify({
        apps: [app('first'), app('second', { out_file: join(plain, 'second.log') }), app('third')],
      }),
    );
    const res = await home.run(['start', file]);
    assert.equal(res.code, 1, res.stdout);
    assert.match(res.stderr, /SHOAL_ERR_LOG_FILE/);
    assert.match(
      res.stderr,
      /App "second": out_file .*plain-file\/second\.log cannot be used: .*plain-file is not a directory/,
    );
    assert.deepEqual(await home.list(), [], 'nothing runs, nothing registered');
    const logs = existsSync(join(home.dir, 'logs')) ? readdirSync(join(home.dir, 'logs')) : [];
    assert.deepEqual(logs, [], 'no log file left behind');
    // Fixed, the same file starts all three.
    writeFileSync(file, JSON.stringify({ apps: [app('first'), app('second'), app('third')] }));
    await home.ok(['start', file]);
    assert.equal((await home.list()).length, 3);
  });

  it('refuses a log path under /proc in bounded time, and the daemon keeps answering', async (t) => {
    const home = createHome(t);
    await home.ok(['ping']);
    const bad = ['/proc/shoal-test/x/out.log', '/proc/self/nope/out.log', '/proc/sys/nope/out.log'];
    for (const path of bad) {
      const started = Date.now();
      const res = await home.run(['start', fixture('forever.js'), '--name', 'procy', '--output', path]);
      assert.equal(res.code, 1, res.stdout);
      assert.match(res.stderr, /SHOAL_ERR_LOG_FILE/);
      assert.ok(Date.now() - started < 15_000, `refused within 15 s, took ${Date.now() - started} ms`);
      assert.match((await home.ok(['ping'])).stdout, /pong/);
    }
    assert.deepEqual(await home.list(), []);
    t.diagnostic(`bad inputs tried: ${bad.length}`);
  });

  it('creates log directories 0700 and log files 0600 under a umask of 000', async (t) => {
    const home = createHome(t);
    const nested = join(home.dir, 'deep', 'er', 'logs');
    await new Promise<void>((resolve, reject) =>
      execFile(
        'sh',
        [
          '-c',
          'umask 000 && exec "$0" "$@"',
          process.execPath,
          BIN,
          'start',
          fixture('print-lines.js'),
          '--name',
          'loose',
          '--output',
          join(nested, 'out.log'),
          '--',
          '3',
        ],
        { env: home.env() },
        (err, _stdout, stderr) => (err ? reject(new Error(stderr)) : resolve()),
      ),
    );
    await waitFor('the log file', () => existsSync(join(nested, 'out.log')));
    for (const dir of [join(home.dir, 'deep'), join(home.dir, 'deep', 'er'), nested, join(home.dir, 'logs')])
      assert.equal(statSync(dir).mode & 0o777, 0o700, `${dir} is 0700`);
    assert.equal(statSync(join(nested, 'out.log')).mode & 0o777, 0o600);
    assert.equal(statSync(home.logPath('loose', 'error')).mode & 0o777, 0o600);
  });
});
