// What the daemon answers on its control socket: one handler per request of the control channel, each
// bound by the channel's types to return its request's result.
import { ExitCodes } from '../exit-codes.js';
import type { HomePaths } from '../home.js';
import type { Handlers } from '../protocol/channel.js';
import { CONTROL_PROTOCOL_VERSION, type ControlChannel } from '../protocol/control-channel.js';
import { packageVersion } from '../protocol/version.js';
import { applyProcessFile } from './apply/apply-file.js';
import { log } from './daemon-log.js';
import type { FeatureSet } from './features/index.js';
import { resurrectApps } from './persistence/resurrect.js';
import { saveApps } from './persistence/save.js';
import type { Supervisor } from './supervisor.js';

export interface DaemonControl {
  supervisor: Supervisor;
  features: FeatureSet;
  paths: HomePaths;
  startedAt: number;
  /** Leaves the process after the answer has gone out (the client is waiting for it); stopApps false keeps them. */
  exitSoon(code: number, why: string, stopApps: boolean): void;
}

export function controlHandlers(d: DaemonControl): Handlers<ControlChannel, unknown> {
  const { supervisor, features, paths } = d;
  return {
    hello: () => ({
      protocol: CONTROL_PROTOCOL_VERSION,
      version: packageVersion(),
      pid: process.pid,
      home: paths.root,
    }),
    ping: () => ({ pong: true, pid: process.pid, uptime: Date.now() - d.startedAt }),
    start: (req) => supervisor.start(req),
    stop: (req) => supervisor.stop(req.target),
    restart: (req) => supervisor.restart(req),
    reload: (req) => supervisor.reload(req),
    apply: (req) => applyProcessFile(supervisor, req),
    scale: (req) => supervisor.scale(req),
    delete: (req) => supervisor.delete(req.target),
    list: () => ({ processes: supervisor.list() }),
    describe: (req) => supervisor.describe(req.target),
    logs: (req) => ({ files: supervisor.logFiles(req.target) }),
    flush: async (req) => ({ files: await supervisor.flush(req.target) }),
    signal: (req) => supervisor.signal(req.target, req.signal as NodeJS.Signals),
    env: (req) => supervisor.env(req.target),
    save: (req) => saveApps(supervisor.appRunners(), paths, req.force),
    resurrect: () => resurrectApps(supervisor, paths),
    web: (req, ctx) => features.answer('web')?.(req, ctx) ?? { url: null, token_file: null },
    handover: async () => {
      await features.flush();
      features.freeze();
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
      d.exitSoon(supervised ? ExitCodes.HANDOVER : 0, 'handed over', false);
      return { kept, stopped, supervised };
    },
    kill: async () => {
      await features.stop();
      const stopped = await supervisor.stopAll();
      await features.flush();
      d.exitSoon(0, 'kill requested', true);
      return { stopped };
    },
  };
}
