// The object Shoal's preload installs at globalThis[PRELOAD_HOOK] inside every Node app process it starts.
// The runtime library finds it there (it never imports the preload's code), so the two sides agree only
// on this shape. Kept free of dependencies: it is loaded into every app process.
export const PRELOAD_HOOK = Symbol.for('shoal.worker.glue');

export interface PreloadHook {
  /** Registers an async hook run on stop/reload before the process exits. */
  onShutdown(hook: () => unknown | Promise<unknown>): void;
  /** Supplies app metrics for the periodic stats message. */
  setMetricsProvider(provider: () => unknown[]): void;
  /** True while the process is draining (stop or reload in progress). */
  readonly draining: boolean;
}
