// Crash-safe file replacement: whatever instant the writer dies (kill -9, power loss), the target holds
// either the complete old content or the complete new one, never a prefix (PM2 #2827 "dump.pm2 is empty").
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, link, open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isAlive } from '../../supervision/process-tree.js';

/** fsync of a directory makes a rename in it durable; some filesystems refuse it, which is harmless. */
async function syncDir(dir: string): Promise<void> {
  let fd: Awaited<ReturnType<typeof open>> | null = null;
  try {
    fd = await open(dir, constants.O_RDONLY);
    await fd.sync();
  } catch {
    // EISDIR/EINVAL/EPERM on some platforms (and always on Windows): the rename itself is still atomic
  } finally {
    await fd?.close();
  }
}

/** A temp name in the same directory (rename is only atomic within one filesystem), unique per call. */
function tempNameFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Writes data to a temp file next to path (created with mode), fsyncs it, renames it over path and
 * fsyncs the directory. A writer killed before the rename leaves only a stray temp file behind.
 */
export async function writeFileAtomic(path: string, data: string, mode = 0o600): Promise<void> {
  const temp = tempNameFor(path);
  // 'wx': never follow or reuse something already there
  const fd = await open(temp, 'wx', mode);
  try {
    await fd.writeFile(data, 'utf8');
    await fd.sync();
  } catch (err) {
    await fd.close();
    await rm(temp, { force: true });
    throw err;
  }
  await fd.close();
  try {
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  await syncDir(dirname(path));
}

/**
 * Makes backup a copy of path, atomically: a hard link (or, where links are refused, a synced copy)
 * under a temp name, then renamed over backup. Path itself is never touched.
 */
export async function backupFileAtomic(path: string, backup: string, mode = 0o600): Promise<void> {
  const temp = tempNameFor(backup);
  try {
    await link(path, temp);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    await copyFile(path, temp, constants.COPYFILE_EXCL);
    const fd = await open(temp, 'r+', mode);
    try {
      await fd.chmod(mode);
      await fd.sync();
    } finally {
      await fd.close();
    }
  }
  try {
    await rename(temp, backup);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  // After a failed save, backup may already be a link to path: rename(2) between two links of one file
  // succeeds without doing anything, and would leave the temp name behind.
  await rm(temp, { force: true });
  await syncDir(dirname(backup));
}

/**
 * Removes temp files that writers of path left behind: killed mid-write (their pid is gone), or this
 * process's own from a save that failed (a full disk); saves are serialized, so none of ours is in use.
 */
export async function removeStaleTemps(path: string): Promise<void> {
  const base = basename(path);
  const pattern = /^\.(.+)\.(\d+)\.[0-9a-f]{8}\.tmp$/;
  let names: string[];
  try {
    names = await readdir(dirname(path));
  } catch {
    return;
  }
  for (const name of names) {
    const m = pattern.exec(name);
    const pid = Number(m?.[2]);
    if (!m || m[1] !== base || (pid !== process.pid && isAlive(pid))) continue;
    await rm(join(dirname(path), name), { force: true });
  }
}
