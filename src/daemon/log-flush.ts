// `shoal flush`: empties an app's log files. The paths are the user's: each is opened without following
// a symbolic link (a link planted there must not make the daemon truncate the file it points to), off the
// event loop and within a time limit.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { withinTime } from '../supervision/log-open.js';

const FLUSH_TIMEOUT_MS = 5_000;

async function truncateNoFollow(path: string): Promise<void> {
  const handle = await open(
    path,
    constants.O_WRONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0),
  );
  try {
    // Writers use O_APPEND, so after truncation they go on writing at the new end of the file.
    if ((await handle.stat()).isFile()) await handle.truncate(0);
  } finally {
    await handle.close();
  }
}

/** Truncates each file; one that is missing, a link or too slow is left as it is. Returns the paths. */
export async function flushLogFiles(paths: string[]): Promise<string[]> {
  await Promise.all(
    paths.map((p) => withinTime(truncateNoFollow(p), FLUSH_TIMEOUT_MS, `flushing ${p}`).catch(() => {})),
  );
  return paths;
}
