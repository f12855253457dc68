// Restarts the daemon decides on by itself (file watch, cron): a cluster app is reloaded (its workers are
// replaced one by one, no downtime), a fork app has each process restarted with the reason recorded,
// so that `shoal describe` shows why ("watch: src/app.js changed", "cron_restart 0 3 * * *").
import { savedAsRunning } from '../supervision/process-state.js';
import type { AppRunner } from './app-runner.js';
import { log } from './daemon-log.js';

export async function refreshApp(runner: AppRunner, reason: string): Promise<void> {
  const mode = runner.config.exec_mode;
  log('app.refresh', { app: runner.name, mode, action: mode === 'cluster' ? 'reload' : 'restart', reason });
  try {
    if (mode === 'cluster') await runner.reload();
    else await Promise.all(runner.ids().map((id) => runner.replace(id, reason)));
  } catch (err) {
    log('app.refresh_failed', { app: runner.name, reason, message: (err as Error).message });
  }
}

/** False when every process is stopped (by the user) or the app never started: a watch event leaves it so. */
export function isMeantToRun(runner: AppRunner): boolean {
  return runner.processes().some((p) => savedAsRunning(p.status));
}
