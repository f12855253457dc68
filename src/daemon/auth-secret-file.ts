// The per-app signing secret for shoal/runtime's auth: 32 random bytes created once in SHOAL_HOME/state
// and handed to every process of the app by path (SHOAL_AUTH_SECRET_FILE), so tokens issued by one worker
// verify in every other worker and after every restart or reload, while the secret never sits in an env.
import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const AUTH_SECRET_BYTES = 32;

/** Creates the app's secret file (mode 0600) at `file` (supervision/app-files.ts names it) if missing. */
export function ensureAuthSecretFile(file: string): string {
  try {
    const st = statSync(file);
    // Tighten a file someone loosened by hand: the secret signs every session of the app.
    if ((st.mode & 0o077) !== 0) chmodSync(file, 0o600);
    return file;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // Written whole to a temporary name, then linked into place: link fails if another writer won the race,
  // so the secret, once visible, never changes and is never seen half written.
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, randomBytes(AUTH_SECRET_BYTES), { mode: 0o600, flag: 'wx' });
  try {
    linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
  return file;
}

/** Removes the app's secret with the app (`shoal delete`): tokens it signed stop verifying. */
export function removeAuthSecretFile(file: string): void {
  rmSync(file, { force: true });
}
