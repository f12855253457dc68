// One daemon per SHOAL_HOME, even when two start at the same instant (a CLI auto-starting one while an
// init system runs `shoal daemon --foreground`). Checking whether the control socket answers is not
// enough: both starters see silence, both adopt the app primaries, and the later one takes the socket
// path from the earlier. The lock is SHOAL_HOME/daemon.lock, a Unix socket the daemon listens on for its
// whole life, inside the private home so that no other user can reach it, squat it or flood it (an
// abstract socket, which any local user can bind or connect to, was used before).
//
// Taking it is atomic: the daemon listens on a socket of its own name, then hard-links it to daemon.lock,
// which fails when the name exists. A daemon killed by -9 leaves the file behind; a connection to it is
// refused, and the starter moves it aside, checks that what it moved is the file it found dead (not one
// another starter linked meanwhile) and tries again.
import { randomBytes } from 'node:crypto';
import { linkSync, lstatSync, renameSync, rmSync, type Stats } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';

export type HomeLock = 'acquired' | 'held-elsewhere';

export const lockPathOf = (root: string) => join(root, 'daemon.lock');

/** live: something listens; dead: a file nobody listens on; gone: no file; unsure: anything else. */
function probe(path: string): Promise<'live' | 'dead' | 'gone' | 'unsure'> {
  return new Promise((resolve) => {
    const s = connect(path);
    const timer = setTimeout(() => done('unsure'), 2000);
    function done(state: 'live' | 'dead' | 'gone' | 'unsure'): void {
      clearTimeout(timer);
      s.destroy();
      resolve(state);
    }
    s.once('connect', () => done('live'));
    s.once('error', (err: NodeJS.ErrnoException) =>
      done(err.code === 'ECONNREFUSED' ? 'dead' : err.code === 'ENOENT' ? 'gone' : 'unsure'),
    );
  });
}

function listenPrivately(path: string): Promise<Server> {
  // Nothing is said on the lock: a connection is only a sign of life, closed at once.
  const server = createServer((socket) => socket.destroy());
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const oldMask = process.umask(0o177);
    server.listen(path, () => {
      process.umask(oldMask);
      server.off('error', reject);
      resolve(server);
    });
  });
}

const lstatOrNull = (path: string): Stats | null => {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
};

/** Takes the home's daemon lock for the life of this process. The home must exist. */
export async function acquireHomeLock(root: string): Promise<HomeLock> {
  if (process.platform === 'win32') return 'acquired';
  const lockPath = lockPathOf(root);
  const mine = join(root, `.daemon.lock.${process.pid}.${randomBytes(4).toString('hex')}`);
  const server = await listenPrivately(mine);
  // Held until the process exits; it must not keep an exiting daemon alive.
  server.unref();
  const giveUp = (): HomeLock => {
    server.close();
    return 'held-elsewhere';
  };
  try {
    for (let attempt = 0; attempt < 10; attempt++) {
      try {
        linkSync(mine, lockPath);
        return 'acquired';
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const found = lstatOrNull(lockPath);
      if (!found) continue;
      const state = await probe(lockPath);
      if (state === 'gone') continue;
      if (state !== 'dead') return giveUp();
      const aside = `${mine}.stale`;
      try {
        renameSync(lockPath, aside);
      } catch {
        continue; // another starter moved it first
      }
      const moved = lstatSync(aside);
      if (moved.ino !== found.ino || moved.dev !== found.dev) {
        // Between our probe and the move, another starter took the lock: put it back, that one wins.
        try {
          linkSync(aside, lockPath);
        } catch {
          // a third starter linked its own meanwhile; that one wins instead
        }
        rmSync(aside, { force: true });
        return giveUp();
      }
      rmSync(aside, { force: true });
    }
    return giveUp();
  } finally {
    // daemon.lock (when ours) names the same socket; the private name is no longer needed.
    rmSync(mine, { force: true });
  }
}
