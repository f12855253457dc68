// Every file Shoal keeps for one app, named from the app's name by one rule. The daemon, the app's
// primary and the app's processes all find the files through here, so they can never disagree.
import { createHash } from 'node:crypto';
import { join } from 'node:path';

/** Longest file-name stem kept readable; longer ones end in a hash (file names stop at 255 bytes). */
const MAX_STEM = 160;
/** Unix socket paths are limited to 107 bytes on Linux (104 on macOS); stay well below. */
const MAX_SOCKET_PATH = 100;

const hashOf = (name: string, length: number) =>
  createHash('sha256').update(name).digest('hex').slice(0, length);

/**
 * The stem of an app's file names. One-to-one, so two apps never share a file: letters, digits, "_",
 * "-" and "." (not leading) stay as they are, every other byte becomes %XX, "%" included ("c@1" is
 * "c%401", "c#1" is "c%231"). Names of plain characters keep the file names they always had.
 */
export function appFileName(name: string): string {
  let stem = '';
  for (const byte of Buffer.from(name, 'utf8')) {
    const c = String.fromCharCode(byte);
    const plain = /[A-Za-z0-9_-]/.test(c) || (c === '.' && stem.length > 0);
    stem += plain ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return stem.length > MAX_STEM ? `${stem.slice(0, MAX_STEM - 17)}~${hashOf(name, 16)}` : stem;
}

export interface AppFiles {
  /** The primary's spec (cluster mode), SHOAL_HOME/run/<app>.spec.json. */
  spec: string;
  /** The primary's control socket. */
  socket: string;
  /** The primary's own log (its stderr). */
  primaryLog: string;
  /** The embedded store's snapshot, SHOAL_HOME/state/<app>.store.json. */
  storeSnapshot: string;
  /** The signing secret of shoal/runtime's auth (see daemon/auth-secret-file.ts). */
  authSecret: string;
  /** Default log file of a stream: SHOAL_HOME/logs/<app>-out.log, -error.log, with a suffix per instance. */
  defaultLog(stream: 'out' | 'err', suffix: string): string;
}

export function appFiles(home: string, name: string): AppFiles {
  const stem = appFileName(name);
  const run = join(home, 'run');
  const state = join(home, 'state');
  let socket = join(run, `${stem}.sock`);
  if (Buffer.byteLength(socket) > MAX_SOCKET_PATH) socket = join(run, `${hashOf(name, 24)}.sock`);
  return {
    spec: join(run, `${stem}.spec.json`),
    socket,
    primaryLog: join(run, `${stem}.primary.log`),
    storeSnapshot: join(state, `${stem}.store.json`),
    authSecret: join(state, `${stem}.auth-secret`),
    defaultLog: (stream, suffix) =>
      join(home, 'logs', `${stem}-${stream === 'out' ? 'out' : 'error'}${suffix}.log`),
  };
}
