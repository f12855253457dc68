// `cron_restart`: restart (fork) or reload (cluster) an app on a schedule, through croner (5 fields, or 6
// with seconds first). As in PM2, a tick also starts an app that has stopped, so that a script with
// autorestart off and a cron_restart runs as a periodic job. croner is loaded when the first app with a
// cron_restart is added.
import type { Cron } from 'croner';
import type { AppRunner } from '../app-runner.js';
import { refreshApp } from '../app-refresh.js';
import { log } from '../daemon-log.js';
import type { DaemonFeature, FeatureContext } from './feature.js';

let croner: Promise<typeof import('croner')> | null = null;

export function cronFeature(): DaemonFeature {
  /** App name -> its job, or the token of a job still waiting for croner to load. */
  const jobs = new Map<string, Cron | symbol>();
  let ctx: FeatureContext | null = null;

  const unschedule = (name: string) => {
    const job = jobs.get(name);
    if (job && typeof job !== 'symbol') job.stop();
    jobs.delete(name);
  };

  const schedule = (runner: AppRunner, pattern: string, Cron: typeof import('croner').Cron) => {
    if (!ctx) return;
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

  const onAdded = (runner: AppRunner) => {
    unschedule(runner.name);
    const pattern = runner.config.cron_restart;
    if (pattern === null || !ctx) return;
    const waiting = Symbol(runner.name);
    jobs.set(runner.name, waiting);
    croner ??= import('croner');
    croner.then(
      ({ Cron }) => {
        // Removed, replaced or stopped while croner was loading: schedule nothing.
        if (jobs.get(runner.name) === waiting) schedule(runner, pattern, Cron);
      },
      (err: unknown) => {
        croner = null; // the next app tries again
        if (jobs.get(runner.name) === waiting) jobs.delete(runner.name);
        log('cron.load_failed', { app: runner.name, pattern, message: (err as Error).message });
      },
    );
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
