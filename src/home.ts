// Where a Shoal instance keeps its socket, pid file, state and logs. Everything lives under SHOAL_HOME
// (default ~/.shoal) so that independent instances can run side by side; the directory is private (0700).
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { ShoalError } from './errors.js';
import { assertHomeIsPrivate } from './home-safety.js';

export interface HomePaths {
  root: string;
  socket: string;
  pidFile: string;
  daemonLog: string;
  logs: string;
  run: string;
  state: string;
  dumpFile: string;
}

export function shoalHome(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.SHOAL_HOME && env.SHOAL_HOME.length > 0 ? env.SHOAL_HOME : join(homedir(), '.shoal'));
}

export function homePaths(root: string = shoalHome()): HomePaths {
  return {
    root,
    socket: join(root, 'shoal.sock'),
    pidFile: join(root, 'shoal.pid'),
    daemonLog: join(root, 'shoal.log'),
    logs: join(root, 'logs'),
    run: join(root, 'run'),
    state: join(root, 'state'),
    dumpFile: join(root, 'dump.json'),
  };
}

/**
 * Creates the home and its sub-directories with owner-only permissions, tightening them if they exist.
 * A home that another user could change is refused first (see home-safety.ts).
 */
export function ensureHome(paths: HomePaths): void {
  assertHomeIsPrivate(paths.root);
  try {
    for (const dir of [paths.root, paths.logs, paths.run, paths.state]) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      if ((statSync(dir).mode & 0o077) !== 0) chmodSync(dir, 0o700);
    }
  } catch (err) {
    if (err instanceof ShoalError) throw err;
    throw new ShoalError(
      'SHOAL_ERR_HOME',
      `Cannot prepare SHOAL_HOME at ${paths.root}: ${(err as Error).message}`,
      { file: paths.root },
      { cause: err },
    );
  }
}
