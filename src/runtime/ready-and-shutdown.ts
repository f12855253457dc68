// ready() and onShutdown(): how an app tells its supervisor it can serve, and what it must finish before
// it exits. Under Shoal both go through the preload (ready over IPC; hooks run during the drain, bounded
// by kill_timeout). Under plain node, ready() does nothing and onShutdown() hooks SIGINT/SIGTERM itself,
// so the same app shuts down gracefully in a container or under systemd too.
import { signalExitCode } from '../exit-codes.js';
import { fromApp } from '../protocol/app-messages.js';
import { findPreloadHook } from './preload-link.js';

export type ShutdownHook = () => unknown | Promise<unknown>;

/** Outside Shoal, how long the hooks may take in all before the process exits anyway. */
const STANDALONE_TIMEOUT_MS = 10_000;

/** Tells the supervisor this instance is ready (needed with wait_ready). A no-op without an IPC channel. */
export function ready(): void {
  if (typeof process.send === 'function' && process.connected) {
    process.send(fromApp.ready(), undefined, {}, () => {});
  }
}

/**
 * Registers a hook run on stop or reload before the process exits (close pools, flush queues). Hooks run
 * one after another in registration order; a hook that throws is logged and the next one still runs.
 */
export function onShutdown(hook: ShutdownHook): void {
  if (typeof hook !== 'function') throw new TypeError('onShutdown(hook) expects a function.');
  const preload = findPreloadHook();
  if (preload) preload.onShutdown(hook);
  else standalone.add(hook);
}

/**
 * Plain node: the first SIGINT/SIGTERM runs the hooks then exits 0; a second one exits at once, so a
 * stuck hook never makes Ctrl-C useless. Installed only once a hook exists: without hooks, the signals
 * keep Node's default behaviour.
 */
const standalone = new (class {
  private readonly hooks: ShutdownHook[] = [];
  private installed = false;
  private running = false;

  add(hook: ShutdownHook): void {
    this.hooks.push(hook);
    if (this.installed) return;
    this.installed = true;
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void this.run(sig));
  }

  private async run(sig: NodeJS.Signals): Promise<void> {
    if (this.running) process.exit(signalExitCode(sig));
    this.running = true;
    const deadline = Date.now() + (Number(process.env.SHOAL_KILL_TIMEOUT_MS) || STANDALONE_TIMEOUT_MS);
    for (const hook of this.hooks) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      try {
        await Promise.race([Promise.resolve().then(hook), new Promise((r) => setTimeout(r, left).unref())]);
      } catch (err) {
        process.stderr.write(
          `shoal/runtime: shutdown hook failed: ${(err as Error)?.stack ?? String(err)}\n`,
        );
      }
    }
    process.exit(0);
  }
})();
