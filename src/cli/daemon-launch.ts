// Starting the daemon in the background: detached, its output in SHOAL_HOME/shoal.log, an IPC channel
// only for the "ready" handshake. The daemon itself replaces the pid file and socket of a dead one, under
// its home lock (daemon/home-lock.ts), so a starter never removes the socket of a daemon just coming up.
import { fork } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { ShoalError } from '../errors.js';
import { ExitCodes } from '../exit-codes.js';
import type { HomePaths } from '../home.js';
import { isDaemonUp } from '../protocol/daemon-start.js';
import { ownProcessEnv } from '../supervision/own-process-env.js';

const DAEMON_ENTRY = new URL('../daemon/main.js', import.meta.url);
const START_TIMEOUT_MS = 15_000;

export function launchDaemon(paths: HomePaths): Promise<void> {
  const logFd = openSync(paths.daemonLog, 'a', 0o600);
  const child = fork(DAEMON_ENTRY, [], {
    detached: true,
    stdio: ['ignore', logFd, logFd, 'ipc'],
    // Apps never inherit the daemon's env: each request carries the CLI's (cli_env).
    env: { ...ownProcessEnv(process.env), SHOAL_HOME: paths.root },
    // A young generation of at most 2 MB: V8 grows it to 16 MB while the daemon starts dozens of apps and
    // never gives it back, which was most of the daemon's memory per app. At 1 MB a start of 300 apps cost
    // 10 to 30 % more daemon CPU in scavenges for the same memory as 2 MB.
    execArgv: ['--max-semi-space-size=2'],
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
      if (isDaemonUp(msg)) {
        cleanup();
        resolve();
      }
    });
    child.on('exit', (code) => {
      cleanup();
      if (code === ExitCodes.ALREADY_RUNNING) resolve();
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
