// Entry point of the Shoal daemon: one long-lived process per SHOAL_HOME that supervises the apps and
// answers the CLI on the control socket. Started in the background by the CLI (see cli/daemon-launch.ts).
import { writeFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { ensureHome, homePaths, shoalHome } from '../home.js';
import type { ParsedRequest, RequestType } from '../protocol/messages.js';
import { PROTOCOL_VERSION, packageVersion } from '../protocol/version.js';
import { ClusterApp } from './cluster-app.js';
import { acquireHomeLock } from './home-lock.js';
import { startControlServer } from './control-server.js';
import { daemonFeatures } from './features.js';
import { flushLiveState, freezeLiveState } from './recovery/recovery-feature.js';
import { resurrectApps } from './persistence/resurrect.js';
import { saveApps } from './persistence/save.js';
import { log, openDaemonLog } from './daemon-log.js';
import { Supervisor } from './supervisor.js';
import { webEndpoint } from './web-feature.js';

/** Exit code when another daemon already serves this SHOAL_HOME; the CLI then talks to that one. */
export const EXIT_ALREADY_RUNNING = 3;
/** Exit code of a daemon that handed over to its successor (`shoal update`); the systemd unit restarts on it. */
export const EXIT_HANDOVER = 75;

function socketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
    setTimeout(() => done(false), 1000).unref();
  });
}

let stopFeatures = async (): Promise<void> => {};

async function main(): Promise<void> {
  const paths = homePaths(shoalHome());
  ensureHome(paths);
  openDaemonLog(paths.daemonLog);
  if ((await acquireHomeLock(paths.root)) === 'held-elsewhere' || (await socketAnswers(paths.socket))) {
    log('daemon.already_running', { socket: paths.socket });
    if (process.send) process.send({ type: 'already-running' });
    // Run in the foreground (an init system's ExecStart): say so where its journal looks.
    else
      process.stderr.write(`shoal: another daemon serves ${paths.root} (or is starting); this one exits.\n`);
    process.exit(EXIT_ALREADY_RUNNING);
  }

  const startedAt = Date.now();
  const supervisor = new Supervisor({
    home: paths.root,
    logsDir: paths.logs,
    sampleIntervalMs: Number(process.env.SHOAL_SAMPLE_INTERVAL_MS ?? 2000),
    createClusterApp: (config, cliEnv, ctx) => new ClusterApp(config, cliEnv, ctx),
  });
  supervisor.sampler.start();

  let shuttingDown = false;
  const shutdown = async (why: string, code = 0) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log('daemon.stopping', { why });
    await stopFeatures();
    const stopped = await supervisor.stopAll();
    await flushLiveState();
    log('daemon.stopped', { processes: stopped });
    rmSync(paths.socket, { force: true });
    rmSync(paths.pidFile, { force: true });
    process.exit(code);
  };

  const handlers: { [T in RequestType]: (req: ParsedRequest<T>) => unknown } = {
    hello: () => ({
      protocol: PROTOCOL_VERSION,
      version: packageVersion(),
      pid: process.pid,
      home: paths.root,
    }),
    ping: () => ({ pong: true, pid: process.pid, uptime: Date.now() - startedAt }),
    start: (req) => supervisor.start(req),
    stop: (req) => supervisor.stop(req.target),
    restart: (req) => supervisor.restart(req),
    reload: (req) => supervisor.reload(req.target),
    scale: (req) => supervisor.scale(req.name, req.instances),
    delete: (req) => supervisor.delete(req.target),
    list: () => ({ processes: supervisor.list() }),
    describe: (req) => supervisor.describe(req.target),
    logs: (req) => ({ files: supervisor.logFiles(req.target) }),
    flush: (req) => ({ files: supervisor.flush(req.target) }),
    signal: (req) => supervisor.signal(req.target, req.signal as NodeJS.Signals),
    env: (req) => supervisor.env(req.target),
    save: (req) => saveApps(supervisor.appRunners(), paths, req.force),
    resurrect: () => resurrectApps(supervisor, paths),
    web: () => webEndpoint(),
    handover: async () => {
      await flushLiveState();
      freezeLiveState();
      const kept: string[] = [];
      const stopped: string[] = [];
      for (const app of supervisor.appRunners()) {
        if (app.detach) {
          app.detach();
          kept.push(app.name);
        } else {
          await app.destroy();
          stopped.push(app.name);
        }
      }
      // Under systemd the next daemon must be the unit's main process: exit with the code the unit
      // restarts on (RestartForceExitStatus) and let systemd start it, instead of the CLI.
      const supervised = process.env.INVOCATION_ID !== undefined;
      log('daemon.handover', { kept, stopped, supervised });
      setTimeout(() => {
        rmSync(paths.socket, { force: true });
        rmSync(paths.pidFile, { force: true });
        process.exit(supervised ? EXIT_HANDOVER : 0);
      }, 50);
      return { kept, stopped, supervised };
    },
    kill: async () => {
      await stopFeatures();
      stopFeatures = async () => {};
      const stopped = await supervisor.stopAll();
      await flushLiveState();
      // Answer first, then leave: the client is waiting for this reply.
      setTimeout(() => void shutdown('kill requested'), 50);
      return { stopped };
    },
  };

  const features = daemonFeatures();
  for (const f of features) {
    await f.start({ supervisor, paths });
    log('feature.started', { feature: f.name });
  }
  stopFeatures = async () => {
    for (const f of [...features].reverse()) await f.stop?.();
  };

  await startControlServer(paths.socket, (type, payload) =>
    (handlers[type] as (req: unknown) => unknown)(payload),
  );
  writeFileSync(paths.pidFile, `${process.pid}\n`, { mode: 0o600 });
  log('daemon.started', {
    pid: process.pid,
    version: packageVersion(),
    node: process.version,
    home: paths.root,
  });

  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
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
    process.send({ type: 'ready', pid: process.pid });
    process.disconnect();
  }
}

main().catch((err) => {
  log('daemon.failed', { message: (err as Error).message, stack: (err as Error).stack });
  process.exit(1);
});
