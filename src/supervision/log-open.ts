// Opening a log file at a path the user chose, safely and without blocking the caller's event loop.
// The directories are created 0700 whatever the umask. A symbolic link at the file's place is followed
// only when the link and the directory it sits in are ours (or root's): in a directory another user
// can write, a link planted there would make us append to, and them read back, any file we can write.
// A file that exists and belongs to another user is refused for the same reason. A FIFO with no reader
// fails at once (O_NONBLOCK) instead of waiting for one.
import {
  chmodSync,
  closeSync,
  constants,
  existsSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  type Stats,
  statSync,
} from 'node:fs';
import { chmod, type FileHandle, lstat, mkdir, open, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ShoalError } from '../errors.js';

const APPEND = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_NONBLOCK ?? 0);
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

const ours = (st: Stats, uid: number | undefined) => uid === undefined || st.uid === uid || st.uid === 0;

export class LogPathError extends Error {}

/**
 * Creates dir (and missing parents) 0700 whatever the umask. Not mkdir's own `recursive`: under /proc it
 * loops forever (mkdir says ENOENT for the parent, stat says it exists). Here each missing directory is
 * made once, from the nearest one that exists, so the work is bounded by the path's depth.
 */
export async function mkdirPrivate(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let d = resolve(dir); ; d = dirname(d)) {
    try {
      if (!(await stat(d)).isDirectory()) throw new LogPathError(`${d} is not a directory`);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      if (dirname(d) === d) break;
      missing.unshift(d);
    }
  }
  for (const d of missing) {
    try {
      await mkdir(d, { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue; // made meanwhile by another start
      throw err;
    }
    // mkdir applies the umask, chmod does not: 0700 even under a umask of 000 (or 777).
    await chmod(d, 0o700);
  }
}

/** Opens path for appending, refusing what another user could have planted there (see above). */
export async function openLogFile(path: string): Promise<FileHandle> {
  const uid = process.getuid?.();
  await mkdirPrivate(dirname(path));
  let handle: FileHandle;
  try {
    handle = await open(path, APPEND | NOFOLLOW, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ELOOP') throw err;
    const link = await lstat(path);
    const dir = await stat(dirname(path));
    if (!ours(link, uid) || !ours(dir, uid)) {
      throw new LogPathError(
        `it is a symbolic link that another user could have planted (the link is owned by uid ${link.uid}, its directory by uid ${dir.uid}); remove it or log elsewhere`,
      );
    }
    handle = await open(path, APPEND, 0o600);
  }
  try {
    const st = await handle.stat();
    if (st.isDirectory()) throw new LogPathError('it is a directory');
    if (st.isFile() && !ours(st, uid)) {
      throw new LogPathError(
        `the file belongs to uid ${st.uid}, not to you: they could read what your app logs; remove it or log elsewhere`,
      );
    }
  } catch (err) {
    await handle.close();
    throw err;
  }
  return handle;
}

/** Races work against a time limit: a path where creating a directory never returns must not hang a start. */
export function withinTime<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(new LogPathError(`${what} did not finish within ${ms} ms (a slow or special file system?)`)),
      ms,
    );
    timer.unref();
    work.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/** Checks that an app's log file can be opened (opening and closing it), as a start's preflight does. */
export async function checkLogFile(path: string, opts: { app: string; key: string; timeoutMs: number }) {
  const opening = openLogFile(path);
  try {
    const handle = await withinTime(opening, opts.timeoutMs, 'opening it');
    await handle.close();
  } catch (err) {
    // Should the open finish after all, close what it opened.
    opening.then((h) => h.close()).catch(() => {});
    const why = err instanceof LogPathError ? err.message : (err as Error).message;
    throw new ShoalError(
      'SHOAL_ERR_LOG_FILE',
      `App "${opts.app}": ${opts.key} ${path} cannot be used: ${why}.`,
      { app: opts.app, key: opts.key, file: path },
    );
  }
}

/**
 * openLogFile's rules for the writer's own (re)opens, which happen after the start's checks (checkLogFile,
 * off the event loop and bounded) made the directory and vetted the path: a link planted since, or a
 * file handed to another user, is still refused. Returns a file descriptor.
 */
export function openLogFileSync(path: string): number {
  const uid = process.getuid?.();
  let fd: number;
  try {
    fd = openSync(path, APPEND | NOFOLLOW, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ELOOP') throw err;
    const link = lstatSync(path);
    const dir = statSync(dirname(path));
    if (!ours(link, uid) || !ours(dir, uid))
      throw new LogPathError(`${path} is a symbolic link that another user could have planted`);
    fd = openSync(path, APPEND, 0o600);
  }
  const st = fstatSync(fd);
  if (st.isDirectory() || (st.isFile() && !ours(st, uid))) {
    closeSync(fd);
    throw new LogPathError(`${path} ${st.isDirectory() ? 'is a directory' : `belongs to uid ${st.uid}`}`);
  }
  return fd;
}

/** The directory of a log file, made 0700 whatever the umask (parents first); sync, for paths vetted already. */
export function mkdirPrivateSync(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); !existsSync(d) && dirname(d) !== d; d = dirname(d)) missing.unshift(d);
  for (const d of missing) {
    try {
      mkdirSync(d, { mode: 0o700 });
      chmodSync(d, 0o700);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}
