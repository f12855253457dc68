// The object the runtime library finds at globalThis[WORKER_GLUE]: shutdown hooks and the metrics provider.
import { WORKER_GLUE, type WorkerGlue } from '../protocol/worker-glue.js';

type Hook = () => unknown | Promise<unknown>;

export class Glue implements WorkerGlue {
  readonly hooks: Hook[] = [];
  metricsProvider: (() => unknown[]) | null = null;
  draining = false;

  onShutdown(hook: Hook): void {
    this.hooks.push(hook);
  }

  setMetricsProvider(provider: () => unknown[]): void {
    this.metricsProvider = provider;
  }

  /** Runs the hooks in registration order, each bounded by the time left; a failing hook does not stop the others. */
  async runHooks(deadline: number): Promise<void> {
    for (const hook of this.hooks) {
      const left = deadline - Date.now();
      if (left <= 0) return;
      try {
        await Promise.race([Promise.resolve().then(hook), new Promise((r) => setTimeout(r, left).unref())]);
      } catch (err) {
        process.stderr.write(`shoal: shutdown hook failed: ${(err as Error)?.stack ?? String(err)}\n`);
      }
    }
  }
}

export function installGlue(): Glue {
  const glue = new Glue();
  (globalThis as Record<symbol, unknown>)[WORKER_GLUE] = glue;
  return glue;
}
