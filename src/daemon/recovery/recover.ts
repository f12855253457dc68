// What a daemon does when it starts where another one ran before: take back the cluster apps whose
// primaries still run (they never stopped serving), stop fork-mode processes the dead daemon left
// orphaned (their output pipes are gone), and start those apps again. After a reboot nothing is taken
// back: that is `shoal resurrect`'s job.
import { rmSync } from 'node:fs';
import { AppConfigSchema } from '../../protocol/app-config.js';
import { type PrimarySpec, PrimarySpecSchema } from '../../protocol/primary-spec.js';
import { socketAccepts } from '../../protocol/socket-probe.js';
import type { HomePaths } from '../../home.js';
import { isAlive, processStartTime, signalAll, signalGroup } from '../../supervision/process-tree.js';
import { appFiles } from '../../supervision/app-files.js';
import { savedAsRunning } from '../../supervision/process-state.js';
import { ClusterApp } from '../cluster/cluster-app.js';
import { readSpecFiles, removeSpecFile, type SpecReading } from '../cluster/primary-spec-file.js';
import { log } from '../daemon-log.js';
import { ensureAuthSecretFile } from '../auth-secret-file.js';
import { ForkApp } from '../fork/fork-app.js';
import { idleState } from '../process-record.js';
import type { Supervisor } from '../supervisor.js';
import { bootId } from './boot-id.js';
import { type LiveApp, readLiveState } from './live-state.js';

export interface RecoveryReport {
  /** Cluster apps whose running primary was taken over: nothing restarted. */
  adopted: string[];
  /** Cluster apps whose primary runs but refused this daemon: reported in ls and describe, left serving. */
  unmanaged: string[];
  /** Apps started again (fork apps, and cluster apps whose primary had died). */
  restarted: string[];
  /** Fork apps taken back with every process stopped, as they were: registered, nothing started. */
  stopped: string[];
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Enough of a spec to list an app whose real spec this daemon cannot read: one row, no process. */
function stubSpec(name: string, socket: string, home: string, id: number): PrimarySpec {
  const app = AppConfigSchema.parse({
    name,
    script: '(unknown: written by another Shoal version)',
    cwd: home,
    interpreter: 'node',
    exec_mode: 'cluster',
    instances: 1,
  });
  return PrimarySpecSchema.parse({
    version: 1,
    app,
    cli_env: {},
    home,
    socket,
    slots: [{ id, instance: 0 }],
  });
}

/**
 * Takes back every primary that still runs, all at once (each may take its adoption bound). Nothing here
 * may stop the daemon from starting: a primary that is gone is cleaned up after, and one that runs but
 * cannot be worked with (another Shoal version, stuck, answering only errors) is registered as
 * unmanaged, so `shoal ls` says so and what to do, and it is left serving.
 */
async function adoptPrimaries(
  supervisor: Supervisor,
  paths: HomePaths,
): Promise<Omit<RecoveryReport, 'restarted' | 'stopped'>> {
  const readings = readSpecFiles(paths.run);
  // Ids handed out from here on (to stubs, to new apps) stay above every adoptable slot.
  for (const r of readings) if (r.ok) for (const slot of r.spec.slots) supervisor.reserveIds(slot.id);
  const outcomes = await Promise.all(readings.map((r) => adoptOne(supervisor, paths, r)));
  const named = (what: Outcome) =>
    outcomes.flatMap((o) => (o.outcome === what && o.name !== null ? [o.name] : []));
  return { adopted: named('adopted'), unmanaged: named('unmanaged') };
}

type Outcome = 'adopted' | 'unmanaged' | 'gone';

async function adoptOne(
  supervisor: Supervisor,
  paths: HomePaths,
  reading: SpecReading,
): Promise<{ name: string | null; outcome: Outcome }> {
  const ctx = supervisor.appContext;
  if (!reading.ok) {
    log('recovery.bad_spec', { file: reading.file, app: reading.name, why: reading.why });
    // A spec of another Shoal version whose primary still serves: say so; it is left running.
    if (reading.name !== null && reading.socket !== null && (await socketAccepts(reading.socket))) {
      const stub = stubSpec(reading.name, reading.socket, paths.root, ctx.nextId());
      supervisor.adopt(ClusterApp.unmanaged(stub, `its spec file ${reading.file} is ${reading.why}`, ctx));
      return { name: reading.name, outcome: 'unmanaged' };
    }
    removeSpecFile(reading.file);
    return { name: reading.name, outcome: 'gone' };
  }
  const { spec } = reading;
  try {
    const app = await ClusterApp.adopt(spec, ctx);
    supervisor.adopt(app);
    return { name: app.name, outcome: app.problem === null ? 'adopted' : 'unmanaged' };
  } catch (err) {
    const pid = spec.primary?.pid ?? null;
    if (pid !== null && isAlive(pid) && processStartTime(pid) === spec.primary?.start_time) {
      // It runs but does not even accept a connection in time.
      supervisor.adopt(ClusterApp.unmanaged(spec, (err as Error).message, ctx));
      return { name: spec.app.name, outcome: 'unmanaged' };
    }
    log('recovery.primary_gone', { app: spec.app.name, message: (err as Error).message });
    removeSpecFile(reading.file);
    rmSync(spec.socket, { force: true });
    return { name: spec.app.name, outcome: 'gone' };
  }
}

/** Stops what a dead daemon's fork app left running, checking start times so a reused pid is left alone. */
async function stopOrphans(app: LiveApp): Promise<void> {
  const orphans = app.processes.filter(
    (p) => p.start_time !== null && processStartTime(p.pid) === p.start_time,
  );
  if (orphans.length === 0) return;
  for (const p of orphans) signalGroup(p.pid, p.kill_signal as NodeJS.Signals);
  const deadline = Date.now() + app.config.kill_timeout;
  while (Date.now() < deadline && orphans.some((p) => isAlive(p.pid))) await delay(25);
  const left = orphans.filter((p) => isAlive(p.pid));
  for (const p of left) signalGroup(p.pid, 'SIGKILL');
  signalAll(
    left.map((p) => p.pid),
    'SIGKILL',
  );
  log('recovery.orphans_stopped', { app: app.config.name, pids: orphans.map((p) => p.pid) });
}

/**
 * A fork app the previous daemon ran, back with its process ids, instances, restart counts, last exits and
 * statuses; only the processes that were meant to run are started. True when any was.
 */
function restoreFork(supervisor: Supervisor, app: LiveApp): boolean {
  // As for any app before its first process starts (the file normally survives from the first daemon).
  ensureAuthSecretFile(appFiles(supervisor.appContext.home, app.config.name).authSecret);
  const runner = ForkApp.restore(app.config, app.cli_env, supervisor.appContext, app.state);
  supervisor.adopt(runner);
  const running = app.state.filter((p) => savedAsRunning(p.status)).map((p) => p.id);
  runner.resume(running, 'started again by a new daemon');
  return running.length > 0;
}

/**
 * A cluster app whose primary is gone (it died with, or after, the previous daemon): back with its
 * process ids, restart counts and last exits; a new primary starts the workers that were running.
 */
async function restoreCluster(supervisor: Supervisor, app: LiveApp): Promise<boolean> {
  const slots = app.state.map((p) => ({ id: p.id, instance: p.instance }));
  const workers = app.state.map((p) => ({
    ...idleState(p, p.status_reason),
    restarts: p.restarts,
    last_exit: p.last_exit,
    last_restart_reason: p.last_restart_reason,
  }));
  const runner = new ClusterApp(app.config, app.cli_env, supervisor.appContext, slots, workers);
  supervisor.adopt(runner);
  const running = app.state.filter((p) => savedAsRunning(p.status)).map((p) => p.id);
  if (running.length > 0) await runner.start(running);
  return running.length > 0;
}

export async function recover(supervisor: Supervisor, paths: HomePaths): Promise<RecoveryReport> {
  const state = readLiveState(paths.state);
  if (state) supervisor.reserveIds(state.max_id);
  const { adopted, unmanaged } = await adoptPrimaries(supervisor, paths);
  const restarted: string[] = [];
  const stopped: string[] = [];
  if (!state || state.boot_id !== bootId()) return { adopted, unmanaged, restarted, stopped };

  const toRestart = state.apps.filter((app) => supervisor.app(app.config.name) === undefined);
  // Orphans of every app at once: each may take its whole kill_timeout.
  await Promise.all(toRestart.map(stopOrphans));
  for (const app of toRestart) {
    try {
      if (app.state.length > 0) {
        const started =
          app.config.exec_mode === 'fork'
            ? restoreFork(supervisor, app)
            : await restoreCluster(supervisor, app);
        (started ? restarted : stopped).push(app.config.name);
        continue;
      }
      // A state file written before process records were kept: start the app as it was configured.
      if (!app.running) continue;
      const config = app.instances > 0 ? { ...app.config, instances: app.instances } : app.config;
      await supervisor.start({ apps: [config], cli_env: app.cli_env, wait: false, hints: false });
      restarted.push(app.config.name);
    } catch (err) {
      log('recovery.restart_failed', { app: app.config.name, message: (err as Error).message });
    }
  }
  log('recovery.done', { adopted, unmanaged, restarted, stopped });
  return { adopted, unmanaged, restarted, stopped };
}
