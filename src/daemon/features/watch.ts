// `watch`: restart (fork) or reload (cluster) an app when files under its watched paths change.
// Editors and build tools write in bursts (temp file, rename, chmod; many files per save), so events are
// coalesced: the restart happens once the paths have been quiet for watch_delay ms (300 ms when 0).
// chokidar is loaded when the first app with watch on is added: a daemon without one never pays for it.
import type { FSWatcher } from 'chokidar';
import { relative } from 'node:path';
import type { AppRunner } from '../app-runner.js';
import { isMeantToRun, refreshApp } from '../app-refresh.js';
import { log } from '../daemon-log.js';
import type { DaemonFeature, FeatureContext } from './feature.js';
import { type WatchRules, watchRules } from './watch-rules.js';

/** Quiet period when watch_delay is 0: long enough for an editor's save sequence, short for a human. */
export const DEFAULT_WATCH_DELAY_MS = 300;

let chokidar: Promise<typeof import('chokidar')> | null = null;

class AppWatch {
  private timer: NodeJS.Timeout | null = null;
  private changed = new Set<string>();
  private running: Promise<void> | null = null;
  private closed = false;
  private watcher: FSWatcher | null = null;
  private readonly opened: Promise<void>;

  constructor(
    private readonly runner: AppRunner,
    rules: WatchRules,
    private readonly delayMs: number,
    private readonly stillCurrent: () => boolean,
  ) {
    this.opened = this.open(rules).catch((err: unknown) => this.onError(err));
  }

  private async open(rules: WatchRules): Promise<void> {
    chokidar ??= import('chokidar');
    const { watch } = await chokidar.catch((err: unknown) => {
      chokidar = null; // the next app tries again
      throw err;
    });
    // Removed or replaced while chokidar was loading: watch nothing.
    if (this.closed) return;
    const watcher = watch(rules.roots, {
      ignoreInitial: true,
      ignored: (path: string) => rules.isIgnored(path),
    });
    this.watcher = watcher;
    const app = this.runner.name;
    watcher.on('all', (_event, path) => this.onChange(path));
    watcher.on('ready', () => log('watch.ready', { app, paths: rules.roots, delay_ms: this.delayMs }));
    watcher.on('error', (err) => this.onError(err));
  }

  private onError(err: unknown): void {
    const code = (err as NodeJS.ErrnoException).code;
    log('watch.error', {
      app: this.runner.name,
      message: (err as Error).message,
      // The usual cause on Linux: too many files watched for the inotify limit.
      hint:
        code === 'ENOSPC' ? 'raise fs.inotify.max_user_watches or narrow watch / ignore_watch' : undefined,
    });
  }

  onChange(path: string): void {
    if (this.closed) return;
    this.changed.add(relative(this.runner.config.cwd, path) || path);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fire(), this.delayMs);
  }

  private fire(): void {
    this.timer = null;
    // A restart is in flight: the changes seen meanwhile trigger one more once it is done.
    if (this.running) {
      void this.running.then(() => {
        if (!this.closed && !this.timer && this.changed.size > 0)
          this.timer = setTimeout(() => this.fire(), this.delayMs);
      });
      return;
    }
    const files = [...this.changed];
    this.changed.clear();
    if (this.closed || !this.stillCurrent()) return;
    if (!isMeantToRun(this.runner)) {
      log('watch.skipped', { app: this.runner.name, why: 'the app is stopped', files: files.slice(0, 5) });
      return;
    }
    const shown = files.slice(0, 3).join(', ') + (files.length > 3 ? ` and ${files.length - 3} more` : '');
    this.running = refreshApp(this.runner, `watch: ${shown} changed`).finally(() => {
      this.running = null;
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.opened;
    await this.watcher?.close();
  }
}

export function watchFeature(): DaemonFeature {
  const watches = new Map<string, AppWatch>();
  let ctx: FeatureContext | null = null;

  const unwatch = async (name: string) => {
    const w = watches.get(name);
    if (!w) return;
    watches.delete(name);
    await w.close();
  };

  const onAdded = (runner: AppRunner) => {
    void unwatch(runner.name);
    const config = runner.config;
    if (config.watch === false || (Array.isArray(config.watch) && config.watch.length === 0) || !ctx) return;
    const rules = watchRules(config, {
      home: ctx.paths.root,
      logFiles: () => runner.logFiles().map((f) => f.path),
    });
    const supervisor = ctx.supervisor;
    const delayMs = config.watch_delay > 0 ? config.watch_delay : DEFAULT_WATCH_DELAY_MS;
    const w = new AppWatch(runner, rules, delayMs, () => supervisor.app(runner.name) === runner);
    watches.set(runner.name, w);
  };
  const onRemoved = (name: string) => void unwatch(name);

  return {
    name: 'watch',
    start(c) {
      ctx = c;
      for (const runner of c.supervisor.appRunners()) onAdded(runner);
      c.supervisor.on('app:added', onAdded);
      c.supervisor.on('app:removed', onRemoved);
    },
    async stop() {
      ctx?.supervisor.off('app:added', onAdded);
      ctx?.supervisor.off('app:removed', onRemoved);
      await Promise.all([...watches.keys()].map(unwatch));
    },
  };
}
