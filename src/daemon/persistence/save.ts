// `shoal save`: the daemon's current apps, with their config, base env, instance count and whether they
// run, written to dump.json. Like PM2, an empty list is refused without --force: an empty dump written
// by accident (a fresh daemon, a `save` after `kill`) would silently resurrect nothing after a reboot.
import { ShoalError } from '../../errors.js';
import type { Result } from '../../protocol/channel.js';
import type { ControlChannel } from '../../protocol/control-channel.js';
import { savedAsRunning } from '../../supervision/process-state.js';
import { packageVersion } from '../../protocol/version.js';
import type { AppRunner } from '../app-runner.js';
import { log } from '../daemon-log.js';
import type { DumpPaths } from './dump-file.js';
import type { DumpDocument, SavedApp } from './dump-schema.js';
import { CURRENT_DUMP_VERSION } from './dump-version.js';
import { usableCpus } from '../../usable-cpus.js';

/** An app counts as running when any of its processes is meant to run; "errored" too (it may work after a reboot). */
function savedStatus(app: AppRunner): SavedApp['status'] {
  const live = app.processes().some((p) => savedAsRunning(p.status));
  return live ? 'running' : 'stopped';
}

function savedInstances(app: AppRunner): number {
  const count = app.processes().length;
  if (count > 0) return count;
  return app.config.instances === 'max' ? usableCpus() : app.config.instances;
}

export function snapshotApps(apps: AppRunner[], now: Date = new Date()): DumpDocument {
  return {
    version: CURRENT_DUMP_VERSION,
    saved_at: now.toISOString(),
    shoal_version: packageVersion(),
    apps: apps.map((app) => ({
      config: app.config,
      cli_env: app.cliEnv,
      instances: savedInstances(app),
      status: savedStatus(app),
    })),
  };
}

export async function saveApps(
  apps: AppRunner[],
  paths: DumpPaths,
  force: boolean,
): Promise<Result<ControlChannel, 'save'>> {
  if (apps.length === 0 && !force) {
    throw new ShoalError(
      'SHOAL_ERR_DUMP_EMPTY',
      `No app is known to the daemon, so "shoal save" would replace ${paths.dumpFile} with an empty list. Start your apps first, or run "shoal save --force" to save an empty list on purpose.`,
      { file: paths.dumpFile },
    );
  }
  const doc = snapshotApps(apps);
  // The dump's schema (zod) is loaded by the first save or resurrect, not by every daemon.
  const { writeDump } = await import('./dump-file.js');
  try {
    await writeDump(paths, doc);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    log('dump.save_failed', { file: paths.dumpFile, code: e.code, message: e.message });
    throw new ShoalError(
      'SHOAL_ERR_DUMP_WRITE',
      `Cannot write ${paths.dumpFile}: ${e.code ?? 'error'} (${e.message}). The previous saved list is left as it was; free some space (or fix the permissions) and run "shoal save" again.`,
      { file: paths.dumpFile, cause_code: e.code ?? null },
      { cause: err },
    );
  }
  log('dump.saved', { file: paths.dumpFile, apps: doc.apps.map((a) => `${a.config.name}:${a.status}`) });
  return { file: paths.dumpFile, apps: doc.apps.length };
}
