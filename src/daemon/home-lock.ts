// One daemon per SHOAL_HOME, even when two start at the same instant (a CLI auto-starting one while an
// init system runs `shoal daemon --foreground`). Checking whether the control socket answers is not
// enough: both starters see silence, both adopt the app primaries, and the later one takes the socket
// path from the earlier. On Linux the lock is an abstract Unix socket named after the home: binding it
// is atomic, and the kernel releases it when the daemon dies, even by kill -9, so there is nothing stale
// to clean up. Other platforms fall back to the socket check alone.
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { createServer } from 'node:net';

export type HomeLock = 'acquired' | 'held-elsewhere';

function lockName(root: string): string {
  let real = root;
  try {
    real = realpathSync(root);
  } catch {
    // not created yet: the resolved path is the name
  }
  return `\0shoal-daemon-${createHash('sha256').update(real).digest('hex').slice(0, 40)}`;
}

/** Takes the home's daemon lock for the life of this process. */
export function acquireHomeLock(root: string): Promise<HomeLock> {
  if (process.platform !== 'linux') return Promise.resolve('acquired');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') resolve('held-elsewhere');
      else reject(err);
    });
    server.listen(lockName(root), () => {
      // Held until the process exits; it must not keep an exiting daemon alive.
      server.unref();
      resolve('acquired');
    });
  });
}
