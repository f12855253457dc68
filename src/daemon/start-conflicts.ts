// Before a start runs anything: an app name already taken by a running app with another script is an
// error that names what runs and how to start the new one, for every app of the request at once, so a
// refused start changes nothing.
import { ShoalError } from '../errors.js';
import type { AppConfig } from '../protocol/app-config.js';
import { isLive } from '../supervision/process-state.js';
import type { AppRunner } from './app-runner.js';

const commandOf = (c: AppConfig) => [c.script, ...c.args].join(' ');

export function checkStartConflicts(
  apps: AppConfig[],
  existing: (name: string) => AppRunner | undefined,
): void {
  const problems: string[] = [];
  for (const config of apps) {
    const running = existing(config.name);
    if (!running?.processes().some((p) => isLive(p.status))) continue;
    if (running.config.script === config.script) continue; // the same app: reported as already running
    problems.push(
      `An app named "${config.name}" already runs ${commandOf(running.config)}, so ${config.script} was not started. Give the new one its own name (--name, or "name" in the process file), or "shoal delete ${config.name}" first.`,
    );
  }
  if (problems.length > 0) {
    throw new ShoalError('SHOAL_ERR_APP_EXISTS', problems.join('\n'), { app: apps[0]?.name });
  }
}
