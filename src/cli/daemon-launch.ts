// Starting the daemon in the background: detached, its output in SHOAL_HOME/shoal.log, an IPC channel
// only for the "ready" handshake. Stale pid files and sockets left by a dead daemon are replaced.
import { fork } from 'node:child_process';
import { openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { ShoalError } from '../errors.js';
import type { HomePaths } from '../home.js';
import { isAlive } from '../supervision/process-tree.js';

const DAEMON_ENTRY = new URL('../daemon/main.js', import.meta.url);
const EXIT_ALREADY_RUNNING = 3;
const START_TIMEOUT_MS = 15_000;

/** Removes the socket and pid file of a daemon that is gone, so a new one can take the home. */
export function clearStaleDaemon(paths: HomePaths): void {
  let pid: number | null = null;
  try {
    pid = Number(readFileSync(paths.pidFile, 'utf8').trim()) || null;
  } catch {
    // no pid file
  }
  if (pid !== null && isAlive(pid)) return;
  rmSync(paths.pidFile, { force: true });
  rmSync(paths.socket, { force: true });
}

export function launchDaemon(paths: HomePaths): Promise<void> {
  const logFd = openSync(paths.daemonLog, 'a', 0o600);
  const child = fork(DAEMON_ENTRY, [], {
    detached: true,
    stdio: ['ignore', logFd, logFd, 'ipc'],
    env: { ...process.env, SHOAL_HOME: paths.root },
    execArgv: [],
  });
  closeSync(logFd);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(
        new ShoalError(
          'SHOAL_ERR_DAEMON_START',
          `The daemon did not start within ${START_TIMEOUT_MS / 1000} s; see ${paths.daemonLog}.`,
          { file: paths.daemonLog },
        ),
      );
    }, START_TIMEOUT_MS);
    const cleanup = () => {
      clearTimeout(timer);
      child.removeAllListeners();
      if (child.connected) child.disconnect();
      child.unref();
    };
    child.on('message', (msg) => {
      const type = (msg as { type?: string }).type;
      if (type === 'ready' || type === 'already-running') {
        cleanup();
        resolve();
      }
    });
    child.on('exit', (code) => {
      cleanup();
      if (code === EXIT_ALREADY_RUNNING) resolve();
      else
        reject(
          new ShoalError(
            'SHOAL_ERR_DAEMON_START',
            `The daemon exited with code ${code} while starting; see ${paths.daemonLog}.`,
            { file: paths.daemonLog },
          ),
        );
    });
    child.on('error', (err) => {
      cleanup();
      reject(
        new ShoalError(
          'SHOAL_ERR_DAEMON_START',
          `Cannot start the daemon: ${err.message}`,
          {},
          { cause: err },
        ),
      );
    });
  });
}
