// Which init system `shoal startup` writes for: the one named on the command line, or the first whose
// tool is found on this machine (PM2 probes in a similar order; Shoal supports three).
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { ShoalError } from '../../errors.js';

export const INIT_SYSTEMS = ['systemd', 'launchd', 'openrc'] as const;
export type InitSystem = (typeof INIT_SYSTEMS)[number];

const PROBES: ReadonlyArray<[tool: string, system: InitSystem]> = [
  ['systemctl', 'systemd'],
  ['launchctl', 'launchd'],
  ['openrc-run', 'openrc'],
  ['rc-update', 'openrc'],
];

function onPath(tool: string, pathEnv = process.env.PATH ?? ''): boolean {
  return pathEnv.split(':').some((dir) => {
    try {
      accessSync(join(dir || '.', tool), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export function initSystemFrom(name: string | undefined): InitSystem {
  if (name !== undefined) {
    if ((INIT_SYSTEMS as readonly string[]).includes(name)) return name as InitSystem;
    throw new ShoalError(
      'SHOAL_ERR_STARTUP',
      `Unknown init system "${name}": Shoal writes init scripts for ${INIT_SYSTEMS.join(', ')}.`,
      { key: 'platform' },
    );
  }
  for (const [tool, system] of PROBES) if (onPath(tool)) return system;
  throw new ShoalError(
    'SHOAL_ERR_STARTUP',
    `No supported init system found (looked for ${PROBES.map(([t]) => t).join(', ')}). Name one: shoal startup ${INIT_SYSTEMS.join('|')}.`,
  );
}
