// A SHOAL_HOME that another local user could change is refused before anything in it is read or run,
// the way ssh's StrictModes refuses a ~/.ssh that others can write: the other user plants a dump.json
// whose command would run as us, and `shoal resurrect` must not run it.
import assert from 'node:assert/strict';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  lchownSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { describe, it } from '../helpers/node-test.js';
import { createOtherUser, otherUserUnavailable } from '../helpers/other-user.js';
import { createHome, fixture, type ShoalHome, waitFor } from '../helpers/shoal.js';

const noOtherUser = otherUserUnavailable();

/** A scratch directory (0755, ours) removed after the test; a daemon started in it by mistake is killed. */
function scratch(t: TestContext, home: ShoalHome): string {
  const dir = mkdtempSync(join(tmpdir(), 'shoal-unsafe-'));
  chmodSync(dir, 0o755);
  t.after(async () => {
    for (const sub of ['home', 'link', 'other/home', 'open/home', 'sticky/home'])
      await home.run(['kill'], { env: { SHOAL_HOME: join(dir, sub) }, timeoutMs: 20_000 });
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** A dump.json whose one app writes marker when it runs: the command a planted dump would run as us. */
async function dumpThatWrites(home: ShoalHome, marker: string): Promise<string> {
  await home.ok(['start', fixture('env-dump.js'), '--name', 'planted', '--', marker]);
  await waitFor('the app to run once', () => existsSync(marker));
  await home.ok(['save']);
  await home.ok(['kill']);
  rmSync(marker);
  return join(home.dir, 'dump.json');
}

async function refused(home: ShoalHome, unsafeHome: string, args: string[], fix: RegExp): Promise<void> {
  const res = await home.run(args, { env: { SHOAL_HOME: unsafeHome } });
  assert.equal(res.code, 1, `shoal ${args.join(' ')} must fail: ${res.stdout}${res.stderr}`);
  assert.match(res.stderr, /SHOAL_ERR_HOME/);
  assert.match(res.stderr, /is not safe to use/);
  assert.match(res.stderr, fix);
  assert.equal(existsSync(join(unsafeHome, 'shoal.sock')), false, 'no daemon started in the unsafe home');
}

describe('a SHOAL_HOME another user could change', () => {
  it('is refused when a directory above it is writable by all and not sticky; accepted under a sticky one', async (t) => {
    const home = createHome(t);
    const dir = scratch(t, home);
    const marker = join(dir, 'ran');
    const dump = await dumpThatWrites(home, marker);
    mkdirSync(join(dir, 'open', 'home'), { recursive: true, mode: 0o700 });
    chmodSync(join(dir, 'open'), 0o777);
    copyFileSync(dump, join(dir, 'open', 'home', 'dump.json'));
    await refused(
      home,
      join(dir, 'open', 'home'),
      ['resurrect'],
      /open: other users can write to it \(mode 777\).*\n.*chmod go-w/,
    );
    assert.equal(existsSync(marker), false, 'the planted command never ran');

    // /tmp's case: others may add entries to a sticky directory, never replace ours.
    mkdirSync(join(dir, 'sticky'), { mode: 0o700 });
    chmodSync(join(dir, 'sticky'), 0o1777);
    const ok = await home.run(['ls'], { env: { SHOAL_HOME: join(dir, 'sticky', 'home') } });
    assert.equal(ok.code, 0, ok.stderr);
  });

  it('is refused when the home itself is writable by its group', async (t) => {
    const home = createHome(t);
    const dir = scratch(t, home);
    mkdirSync(join(dir, 'home'), { mode: 0o700 });
    chmodSync(join(dir, 'home'), 0o770);
    await refused(
      home,
      join(dir, 'home'),
      ['ls'],
      /other users can write to the home \(mode 770\).*\n.*chmod 700/,
    );
  });

  it('is refused when another user owns a directory above it, and their planted dump never runs', {
    skip: noOtherUser ?? false,
  }, async (t) => {
    const other = createOtherUser(t);
    const home = createHome(t);
    const dir = scratch(t, home);
    const marker = join(dir, 'ran');
    const dump = await dumpThatWrites(home, marker);
    // The other user's directory, 0755: they can rename our home inside it and put their own in its place.
    mkdirSync(join(dir, 'other', 'home'), { recursive: true, mode: 0o700 });
    copyFileSync(dump, join(dir, 'other', 'home', 'dump.json'));
    chownSync(join(dir, 'other'), other.uid, other.gid);
    await refused(
      home,
      join(dir, 'other', 'home'),
      ['resurrect'],
      new RegExp(
        `other: it is owned by uid ${other.uid}, not by you \\(uid 0\\) or root\\.\\n.*Fix: chown 0`,
      ),
    );
    assert.equal(existsSync(marker), false, 'the planted command never ran');
  });

  it('is refused when the home is owned by another user, or reached through their symlink', {
    skip: noOtherUser ?? false,
  }, async (t) => {
    const other = createOtherUser(t);
    const home = createHome(t);
    const dir = scratch(t, home);
    mkdirSync(join(dir, 'home'), { mode: 0o700 });
    chownSync(join(dir, 'home'), other.uid, other.gid);
    await refused(
      home,
      join(dir, 'home'),
      ['ls'],
      new RegExp(`the home itself is owned by uid ${other.uid}`),
    );

    mkdirSync(join(dir, 'mine'), { mode: 0o700 });
    symlinkSync(join(dir, 'mine'), join(dir, 'link'));
    lchownSync(join(dir, 'link'), other.uid, other.gid);
    await refused(home, join(dir, 'link'), ['ls'], /link: this symbolic link is owned by uid/);
  });
});
