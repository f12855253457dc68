// Resurrect at daemon start, for init systems: `shoal daemon --foreground --resurrect` (the ExecStart of
// the unit `shoal startup` writes) sets SHOAL_RESURRECT_ON_START=1 before it runs the daemon in-process.
// A daemon the CLI starts on demand never resurrects by itself, as in PM2.
import { isShoalError } from '../../errors.js';
import { RESURRECT_ON_START_ENV } from '../../protocol/daemon-start.js';
import { log } from '../daemon-log.js';
import { resurrectApps } from '../persistence/resurrect.js';
import type { DaemonFeature } from './feature.js';

export function bootResurrectFeature(): DaemonFeature {
  return {
    name: 'boot-resurrect',
    start({ supervisor, paths }) {
      const wanted = process.env[RESURRECT_ON_START_ENV] === '1';
      delete process.env[RESURRECT_ON_START_ENV];
      if (!wanted) return;
      // Not awaited: the control socket opens meanwhile, so `shoal ls` can follow the apps coming up.
      void resurrectApps(supervisor, paths).then(
        (res) => log('boot.resurrected', { processes: res.processes.length, messages: res.messages }),
        (err: unknown) =>
          log('boot.resurrect_failed', {
            code: isShoalError(err) ? err.code : 'SHOAL_ERR_INTERNAL',
            message: (err as Error).message,
          }),
      );
    },
  };
}
