// `watch`: restart (fork) or reload (cluster) an app when files under its watched paths change.
// Editors and build tools write in bursts (temp file, rename, chmod; many files per save), so events are
// coalesced: the restart happens once the paths have been quiet for watch_delay ms (300 ms when 0).
import { type FSWatcher, watch } from 'chokidar';
import { relative } from 'node:path';
import type { AppRunner } from '../app-runner.js';
import { isMeantToRun, refreshApp } from '../app-refresh.js';
import { log } from '../daemon-log.js';
import type { DaemonFeature, FeatureContext } from './feature.js';
import { watchRules } from './watch-rules.js';

/** Quiet period when watch_delay is 0: long enough for an editor's save sequence, short for a human. */
export const DEFAULT_WATCH_DELAY_MS = 300;

class AppWatch {
  private timer: NodeJS.Timeout | null = null;
  private changed = new Set<string>();
  private running: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly runner: AppRunner,
    private readonly watcher: FSWatcher,
    private readonly delayMs: number,
    private readonly stillCurrent: () => boolean,
  ) {}

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
    await this.watcher.close();
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
    const watcher = watch(rules.roots, {
      ignoreInitial: true,
      ignored: (path: string) => rules.isIgnored(path),
    });
    const supervisor = ctx.supervisor;
    const delayMs = config.watch_delay > 0 ? config.watch_delay : DEFAULT_WATCH_DELAY_MS;
    const w = new AppWatch(runner, watcher, delayMs, () => supervisor.app(runner.name) === runner);
    watches.set(runner.name, w);
    watcher.on('all', (_event, path) => w.onChange(path));
    watcher.on('ready', () =>
      log('watch.ready', { app: runner.name, paths: rules.roots, delay_ms: delayMs }),
    );
    watcher.on('error', (err) => {
      const code = (err as NodeJS.ErrnoException).code;
      log('watch.error', {
        app: runner.name,
        message: (err as Error).message,
        // The usual cause on Linux: too many files watched for the inotify limit.
        hint:
          code === 'ENOSPC' ? 'raise fs.inotify.max_user_watches or narrow watch / ignore_watch' : undefined,
      });
    });
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
