// A second local account for the tests that play another user on the machine. Creating one needs root;
// without it those tests skip, saying so. The account has no home and no login shell, and is removed
// when the test ends, even when it fails.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';

export interface OtherUser {
  name: string;
  uid: number;
  gid: number;
}

/** Why tests of another user cannot run here, or null when they can. */
export function otherUserUnavailable(): string | null {
  if (process.platform !== 'linux') return 'needs Linux useradd';
  if (process.getuid?.() !== 0) return 'creating a second Unix user needs root';
  try {
    execFileSync('useradd', ['--help'], { stdio: 'ignore' });
  } catch {
    return 'useradd is not installed';
  }
  return null;
}

/** Creates a throwaway user; removed in t.after. */
export function createOtherUser(t: TestContext): OtherUser {
  const name = `shoalx${randomBytes(4).toString('hex')}`;
  execFileSync('useradd', ['-M', '-N', '-s', '/usr/sbin/nologin', name], { stdio: 'ignore' });
  t.after(() => {
    execFileSync('userdel', ['-f', name], { stdio: 'ignore' });
  });
  const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
  return { name, uid, gid };
}
