// Everything an init script needs to know about this installation, gathered once: who runs the daemon,
// which SHOAL_HOME it serves, and the absolute paths of Node and of the shoal binary.
// The paths are baked in (as PM2 does): after switching Node versions (nvm), run `shoal startup` again.
import { dirname } from 'node:path';
import { userInfo } from 'node:os';
import { fileURLToPath } from 'node:url';

export interface StartupTarget {
  user: string;
  /** SHOAL_HOME the daemon serves. */
  home: string;
  node: string;
  /** Absolute path of bin/shoal.js in this installation. */
  bin: string;
  /** PATH for the daemon: Node's directory first, then the usual system directories. */
  pathEnv: string;
  /** systemd unit / openrc script name, launchd label. */
  serviceName: string;
  shoalVersion: string;
}

const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const SHOAL_BIN = fileURLToPath(new URL('../../../bin/shoal.js', import.meta.url));

export function startupTarget(opts: {
  user?: string;
  home: string;
  serviceName?: string;
  shoalVersion: string;
}): StartupTarget {
  const user = opts.user ?? userInfo().username;
  const nodeDir = dirname(process.execPath);
  const pathEnv = SYSTEM_PATH.split(':').includes(nodeDir) ? SYSTEM_PATH : `${nodeDir}:${SYSTEM_PATH}`;
  return {
    user,
    home: opts.home,
    node: process.execPath,
    bin: SHOAL_BIN,
    pathEnv,
    serviceName: opts.serviceName ?? `shoal-${user}`,
    shoalVersion: opts.shoalVersion,
  };
}
