// `shoal resurrect` (and the boot-time resurrect of `shoal daemon --foreground --resurrect`): starts every
// saved app whose name the daemon does not know yet, with its saved config, base env and instance count.
// Apps saved as stopped are registered with autostart off: they run nothing until the user starts them.
import { dirname } from 'node:path';
import { assertHomeIsPrivate } from '../../home-safety.js';
import type { Result } from '../../protocol/channel.js';
import type { ControlChannel } from '../../protocol/control-channel.js';
import type { AppConfig } from '../../protocol/app-config.js';
import { log } from '../daemon-log.js';
import type { Supervisor } from '../supervisor.js';
import type { DumpPaths } from './dump-file.js';
import type { SavedApp } from './dump-schema.js';

/** The config to start: "max" stays "max" (one per CPU of this machine), else the saved count. */
function configToStart(app: SavedApp): AppConfig {
  return {
    ...app.config,
    instances: app.config.instances === 'max' ? 'max' : app.instances,
    autostart: app.status === 'running',
  };
}

export async function resurrectApps(
  supervisor: Supervisor,
  paths: DumpPaths,
): Promise<Result<ControlChannel, 'resurrect'>> {
  // The home was checked when the daemon started; check again before running what it holds.
  assertHomeIsPrivate(dirname(paths.dumpFile));
  // The dump's schema (zod) is loaded by the first save or resurrect, not by every daemon.
  const { readDump } = await import('./dump-file.js');
  const loaded = await readDump(paths);
  const messages = [...loaded.notes];
  const names: string[] = [];
  // Apps start together, as a process file's apps do; one failing app does not keep the others down.
  const outcomes = await Promise.all(
    loaded.doc.apps.map(async (app) => {
      const name = app.config.name;
      if (supervisor.app(name)) return [`${name} is already known to the daemon; left as it is.`];
      try {
        const res = await supervisor.start({
          apps: [configToStart(app)],
          cli_env: app.cli_env,
          wait: false,
          hints: false,
        });
        names.push(name);
        const notes = [...res.messages];
        if (app.status === 'stopped')
          notes.push(
            `${name} was saved as stopped: registered, not started ("shoal restart ${name}" starts it).`,
          );
        return notes;
      } catch (err) {
        return [`${name} could not be started: ${(err as Error).message}`];
      }
    }),
  );
  for (const notes of outcomes) messages.push(...notes);
  log('dump.resurrected', { file: loaded.file, apps: names, skipped: loaded.doc.apps.length - names.length });
  const wanted = new Set(names);
  return { processes: supervisor.list().filter((p) => wanted.has(p.name)), messages };
}
