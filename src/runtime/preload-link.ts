// Finds the hook Shoal's preload installs in every app process it starts. The runtime never imports the
// preload's code: the two sides agree only on the PreloadHook shape in protocol/preload-hook.ts.
import { PRELOAD_HOOK, type PreloadHook } from '../protocol/preload-hook.js';

/** The preload's hook when running under Shoal; null under plain node. */
export function findPreloadHook(): PreloadHook | null {
  const hook = (globalThis as Record<symbol, unknown>)[PRELOAD_HOOK] as Partial<PreloadHook> | undefined;
  return hook && typeof hook.onShutdown === 'function' && typeof hook.setMetricsProvider === 'function'
    ? (hook as PreloadHook)
    : null;
}
