// What `shoal env` answers: the environment each selected process really has, read from the OS where it
// shows it (a running process on Linux), otherwise the one the process is started with.
import { readProcessEnv } from '../supervision/proc-environ.js';
import type { Selection } from './targets.js';

export interface ProcessEnv {
  id: number;
  name: string;
  env: Record<string, string>;
  source: 'process' | 'config';
}

export function processEnvs(sel: Selection[]): ProcessEnv[] {
  return sel.flatMap((s) =>
    s.app
      .processes()
      .filter((p) => !s.ids || s.ids.includes(p.id))
      .map((p) => {
        const real = p.pid === null ? null : readProcessEnv(p.pid);
        if (real) return { id: p.id, name: p.name, env: real, source: 'process' as const };
        return { id: p.id, name: p.name, env: s.app.envOf(p.id) ?? {}, source: 'config' as const };
      }),
  );
}
