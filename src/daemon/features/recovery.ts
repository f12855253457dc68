// Plugs recovery into the daemon: take back what a previous daemon ran, then keep the live state file
// current so the next daemon can do the same for us.
import { LiveStateWriter } from '../recovery/live-state.js';
import { recover } from '../recovery/recover.js';
import type { DaemonFeature } from './feature.js';

export function recoveryFeature(): DaemonFeature {
  let writer: LiveStateWriter | null = null;
  return {
    name: 'recovery',
    async start({ supervisor, paths }) {
      await recover(supervisor, paths);
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
    async flush() {
      await writer?.flush();
    },
    // A hand-over freezes the state the next daemon must take over.
    freeze() {
      writer?.cancel();
      writer = null;
    },
  };
}
