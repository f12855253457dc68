// The object the runtime library finds at globalThis[PRELOAD_HOOK] in an app process: the app's shutdown
// hooks and its metrics provider, and whether a drain has begun.
import { PRELOAD_HOOK, type PreloadHook } from '../protocol/preload-hook.js';

type Hook = () => unknown | Promise<unknown>;

export class InstalledHook implements PreloadHook {
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

export function installPreloadHook(): InstalledHook {
  const hook = new InstalledHook();
  (globalThis as Record<symbol, unknown>)[PRELOAD_HOOK] = hook;
  return hook;
}
