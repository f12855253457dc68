// What a daemon does when it starts where another one ran before: take back the cluster apps whose
// primaries still run (they never stopped serving), stop fork-mode processes the dead daemon left
// orphaned (their output pipes are gone), and start those apps again. After a reboot nothing is taken
// back: that is `shoal resurrect`'s job.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { HomePaths } from '../../home.js';
import { PrimarySpecSchema } from '../../protocol/primary-messages.js';
import { isAlive, signalAll, signalGroup } from '../../supervision/process-tree.js';
import { ClusterApp } from '../cluster-app.js';
import { log } from '../daemon-log.js';
import type { Supervisor } from '../supervisor.js';
import { bootId, processStartTime } from './boot-id.js';
import { type LiveApp, readLiveState } from './live-state.js';

export interface RecoveryReport {
  /** Cluster apps whose running primary was taken over: nothing restarted. */
  adopted: string[];
  /** Apps started again (fork apps, and cluster apps whose primary had died). */
  restarted: string[];
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function adoptPrimaries(supervisor: Supervisor, paths: HomePaths): Promise<string[]> {
  const adopted: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(paths.run).filter((n) => n.endsWith('.spec.json'));
  } catch {
    return adopted;
  }
  for (const name of names) {
    const file = join(paths.run, name);
    let spec: ReturnType<typeof PrimarySpecSchema.parse>;
    try {
      spec = PrimarySpecSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    } catch (err) {
      log('recovery.bad_spec', { file, message: (err as Error).message });
      rmSync(file, { force: true });
      continue;
    }
    const app = await ClusterApp.adopt(spec, supervisor.appContext);
    if (app) {
      supervisor.adopt(app);
      adopted.push(app.name);
    } else {
      log('recovery.primary_gone', { app: spec.app.name });
      rmSync(file, { force: true });
      rmSync(spec.socket, { force: true });
    }
  }
  return adopted;
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

export async function recover(supervisor: Supervisor, paths: HomePaths): Promise<RecoveryReport> {
  const state = readLiveState(paths.state);
  if (state) supervisor.reserveIds(state.max_id);
  const adopted = await adoptPrimaries(supervisor, paths);
  const restarted: string[] = [];
  if (!state || state.boot_id !== bootId()) return { adopted, restarted };

  const toRestart = state.apps.filter((app) => !adopted.includes(app.config.name));
  // Orphans of every app at once: each may take its whole kill_timeout.
  await Promise.all(toRestart.map(stopOrphans));
  for (const app of toRestart) {
    if (!app.running) continue;
    const config = app.instances > 0 ? { ...app.config, instances: app.instances } : app.config;
    try {
      await supervisor.start({ apps: [config], cli_env: app.cli_env });
      restarted.push(app.config.name);
    } catch (err) {
      log('recovery.restart_failed', { app: app.config.name, message: (err as Error).message });
    }
  }
  log('recovery.done', { adopted, restarted });
  return { adopted, restarted };
}
