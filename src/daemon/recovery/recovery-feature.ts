// Plugs recovery into the daemon: take back what a previous daemon ran, then keep the live state file
// current so the next daemon can do the same for us.
import type { DaemonFeature } from '../features.js';
import { LiveStateWriter } from './live-state.js';
import { type RecoveryReport, recover } from './recover.js';

let writer: LiveStateWriter | null = null;
let report: RecoveryReport = { adopted: [], restarted: [] };

/** Writes the live state now (after kill or a hand-over, before the daemon exits). */
export async function flushLiveState(): Promise<void> {
  await writer?.flush();
}

/** Stops recording: a hand-over freezes the state the next daemon must take over. */
export function freezeLiveState(): void {
  writer?.cancel();
  writer = null;
}

export function lastRecovery(): RecoveryReport {
  return report;
}

export function recoveryFeature(): DaemonFeature {
  return {
    name: 'recovery',
    async start({ supervisor, paths }) {
      report = await recover(supervisor, paths);
      const w = new LiveStateWriter(paths.state, () => supervisor.appRunners());
      writer = w;
      const schedule = () => {
        if (writer === w) w.schedule();
      };
      supervisor.on('app:added', schedule);
      supervisor.on('app:removed', schedule);
      supervisor.on('processes:changed', schedule);
      await w.flush();
    },
  };
}
