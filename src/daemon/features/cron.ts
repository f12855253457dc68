// `cron_restart`: restart (fork) or reload (cluster) an app on a schedule, through croner (5 fields, or 6
// with seconds first). As in PM2, a tick also starts an app that has stopped, so that a script with
// autorestart off and a cron_restart runs as a periodic job.
import { Cron } from 'croner';
import type { AppRunner } from '../app-runner.js';
import { refreshApp } from '../app-refresh.js';
import { log } from '../daemon-log.js';
import type { DaemonFeature, FeatureContext } from './feature.js';

export function cronFeature(): DaemonFeature {
  const jobs = new Map<string, Cron>();
  let ctx: FeatureContext | null = null;

  const unschedule = (name: string) => {
    jobs.get(name)?.stop();
    jobs.delete(name);
  };

  const onAdded = (runner: AppRunner) => {
    unschedule(runner.name);
    const pattern = runner.config.cron_restart;
    if (pattern === null || !ctx) return;
    const supervisor = ctx.supervisor;
    try {
      // protect: a tick that comes while the previous restart still runs is skipped, not queued.
      const job = new Cron(pattern, { protect: true }, async () => {
        if (supervisor.app(runner.name) !== runner) return;
        await refreshApp(runner, `cron_restart "${pattern}"`);
      });
      jobs.set(runner.name, job);
      log('cron.scheduled', { app: runner.name, pattern, next: job.nextRun()?.toISOString() ?? null });
    } catch (err) {
      // The config loader checks patterns with croner too; this catches a dump written by an older version.
      log('cron.invalid', { app: runner.name, pattern, message: (err as Error).message });
    }
  };
  const onRemoved = (name: string) => unschedule(name);

  return {
    name: 'cron',
    start(c) {
      ctx = c;
      for (const runner of c.supervisor.appRunners()) onAdded(runner);
      c.supervisor.on('app:added', onAdded);
      c.supervisor.on('app:removed', onRemoved);
    },
    stop() {
      ctx?.supervisor.off('app:added', onAdded);
      ctx?.supervisor.off('app:removed', onRemoved);
      for (const name of [...jobs.keys()]) unschedule(name);
    },
  };
}
