// Entry point of the Shoal daemon: one long-lived process per SHOAL_HOME that supervises the apps and
// answers the CLI on the control socket. Started in the background by the CLI (see cli/daemon-launch.ts).
import { rmSync, writeFileSync } from 'node:fs';
import { ExitCodes } from '../exit-codes.js';
import { ensureHome, homePaths, shoalHome } from '../home.js';
import { DaemonStart } from '../protocol/daemon-start.js';
import { MAX_DURATION_MS } from '../protocol/limits.js';
import { socketAccepts } from '../protocol/socket-probe.js';
import { takeRunSpec } from '../protocol/run-spec.js';
import { packageVersion } from '../protocol/version.js';
import { ClusterApp } from './cluster/cluster-app.js';
import { controlHandlers } from './control-handlers.js';
import { startControlServer } from './control-server.js';
import { log, openDaemonLog } from './daemon-log.js';
import { daemonFeatures, FeatureSet } from './features/index.js';
import { acquireHomeLock } from './home-lock.js';
import { runFeature } from './run/run-feature.js';
import { logDefaultsFrom } from './log-defaults.js';
import { Supervisor } from './supervisor.js';

/**
 * SHOAL_SAMPLE_INTERVAL_MS, from 100 ms to Node's longest timer; anything else is the 2 s default (NaN
 * or 0 would make an interval of 1 ms, a daemon spinning on the CPU).
 */
function sampleIntervalMs(value: string | undefined): number {
  const n = Number(value);
  const ok = value !== undefined && /^\d+$/.test(value.trim()) && n >= 100 && n <= MAX_DURATION_MS;
  if (value !== undefined && !ok) log('daemon.sample_interval_ignored', { value, using_ms: 2000 });
  return ok ? n : 2000;
}

async function main(): Promise<void> {
  // Set by `shoal run`: this daemon is a container's entrypoint (see run/run-feature.ts).
  const run = takeRunSpec();
  const paths = homePaths(shoalHome());
  ensureHome(paths);
  const logDefaults = logDefaultsFrom(process.env);
  openDaemonLog(paths.daemonLog, logDefaults.rotation);
  for (const bad of logDefaults.ignored)
    log('daemon.log_default_ignored', { ...bad, note: 'not understood; the built-in default applies' });
  if ((await acquireHomeLock(paths.root)) === 'held-elsewhere' || (await socketAccepts(paths.socket))) {
    log('daemon.already_running', { socket: paths.socket });
    if (process.send) process.send(DaemonStart.alreadyRunning());
    // Run in the foreground (an init system's ExecStart): say so where its journal looks.
    else
      process.stderr.write(`shoal: another daemon serves ${paths.root} (or is starting); this one exits.\n`);
    process.exit(ExitCodes.ALREADY_RUNNING);
  }

  const supervisor = new Supervisor({
    home: paths.root,
    sampleIntervalMs: sampleIntervalMs(process.env.SHOAL_SAMPLE_INTERVAL_MS),
    logDefaults: logDefaults.rotation,
    createClusterApp: (config, cliEnv, ctx) => new ClusterApp(config, cliEnv, ctx),
  });
  supervisor.sampler.start();
  const extra = run ? [runFeature(run, (code, why) => void leave(why, code))] : [];
  const features = new FeatureSet([...daemonFeatures(), ...extra]);

  let leaving = false;
  /** Stops the apps (unless they were handed over), writes what must survive, and exits. */
  const leave = async (why: string, code: number, stopApps = true) => {
    if (leaving) return;
    leaving = true;
    log('daemon.stopping', { why });
    await features.stop();
    const stopped = stopApps ? await supervisor.stopAll() : 0;
    await features.flush();
    log('daemon.stopped', { why, processes: stopped, code });
    rmSync(paths.socket, { force: true });
    rmSync(paths.pidFile, { force: true });
    process.exit(code);
  };
  const handlers = controlHandlers({
    supervisor,
    features,
    paths,
    startedAt: Date.now(),
    // Answer first, then leave: the client is waiting for the reply.
    exitSoon: (code, why, stopApps) => setTimeout(() => void leave(why, code, stopApps), 50),
  });

  await features.start({ supervisor, paths });
  await startControlServer(paths.socket, handlers);
  writeFileSync(paths.pidFile, `${process.pid}\n`, { mode: 0o600 });
  log('daemon.started', {
    pid: process.pid,
    version: packageVersion(),
    node: process.version,
    home: paths.root,
  });

  process.on('SIGTERM', () => void leave('SIGTERM', 0));
  process.on('SIGINT', () => void leave('SIGINT', 0));
  process.on('SIGHUP', () => {});
  // A bug in one handler must not take every app down with the daemon; it is logged and the daemon goes on.
  process.on('uncaughtException', (err) =>
    log('daemon.uncaught', { message: err.message, stack: err.stack }),
  );
  process.on('unhandledRejection', (err) =>
    log('daemon.unhandled_rejection', { message: String((err as Error)?.message ?? err) }),
  );

  // The CLI that started us may have given up waiting (it has a time limit); the channel is then gone.
  if (process.send && process.connected) {
    process.send(DaemonStart.ready(process.pid));
    process.disconnect();
  }
}

main().catch((err) => {
  log('daemon.failed', { message: (err as Error).message, stack: (err as Error).stack });
  // In the foreground (shoal run, shoal daemon --foreground) the daemon log is not where anyone looks.
  if (!process.send) process.stderr.write(`shoal: the daemon failed: ${(err as Error).message}\n`);
  process.exit(1);
});
