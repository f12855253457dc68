// The one-line hint `start` gives the first time an app runs in cluster mode: its workers do not share
// memory, which is what breaks apps written for one process. Remembered per app in SHOAL_HOME/state, so
// it is said once; `start --no-hints` (or SHOAL_NO_HINTS=1) keeps it quiet.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './persistence/atomic-write.js';

export class ClusterHints {
  private readonly file: string;
  private shown: Set<string> | null = null;

  constructor(stateDir: string) {
    this.file = join(stateDir, 'hints.json');
  }

  /** The hint for `app` if it was never given, remembering that it now was; null otherwise. */
  async forFirstStart(app: string): Promise<string | null> {
    const shown = this.load();
    if (shown.has(app)) return null;
    shown.add(app);
    await writeFileAtomic(this.file, JSON.stringify({ cluster: [...shown] })).catch(() => {});
    return `${app} runs in cluster mode: each worker has its own memory, so sessions, caches, timers and WebSocket peers kept in memory are per worker. See "Which apps can run as a cluster" in docs/cluster.md (this hint shows once; --no-hints hides it).`;
  }

  private load(): Set<string> {
    if (this.shown) return this.shown;
    try {
      const doc = JSON.parse(readFileSync(this.file, 'utf8')) as { cluster?: unknown };
      this.shown = new Set(
        Array.isArray(doc.cluster) ? doc.cluster.filter((n) => typeof n === 'string') : [],
      );
    } catch {
      this.shown = new Set();
    }
    return this.shown;
  }
}
