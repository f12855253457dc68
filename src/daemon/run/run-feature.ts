// `shoal run`: the daemon in the foreground as a container's entrypoint. This feature starts the apps
// it was given, echoes their logs to stdout/stderr, answers health probes, reaps orphans when it is
// PID 1, and ends the daemon when the run is over (see run-verdict.ts for when, and with which code).
// Everything else (the control socket, so `shoal ls/logs/reload` work inside the container, SIGTERM
// turned into a graceful stop of every app) is the ordinary daemon's.
import { statSync } from 'node:fs';
import type { RunSpec } from '../../protocol/run-spec.js';
import { logPath } from '../../supervision/log-paths.js';
import { log } from '../daemon-log.js';
import type { DaemonFeature } from '../features/feature.js';
import type { Supervisor } from '../supervisor.js';
import { type HealthServer, readiness, startHealthServer } from './health-server.js';
import { LogEcho } from './log-echo.js';
import { type OrphanReaper, startOrphanReaper, trackSpawnedChildren } from './orphan-reaper.js';
import { runVerdict } from './run-verdict.js';

const CHECK_MS = 250;

/** The instance count the logs could be at, for the log-file sizes before the run (max: any CPU count). */
const MAX_INSTANCES_GUESS = 256;

function say(text: string): void {
  process.stderr.write(`shoal: ${text}\n`);
}

/** The sizes the apps' log files have before the run starts, so only what this run writes is echoed. */
function sizesBefore(spec: RunSpec, home: string): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const app of spec.apps) {
    const count = app.instances === 'max' ? MAX_INSTANCES_GUESS : app.instances;
    for (let i = 0; i < count; i += 1) {
      for (const stream of ['out', 'err'] as const) {
        const path = logPath(app, home, stream, i);
        if (path === null || sizes.has(path)) continue;
        try {
          sizes.set(path, statSync(path).size);
        } catch {
          // not there: read from its start once it appears
        }
      }
    }
  }
  return sizes;
}

export function runFeature(spec: RunSpec, end: (code: number, why: string) => void): DaemonFeature {
  // Made before the daemon spawns anything: the reaper must know every child Node will wait for.
  if (process.pid === 1) trackSpawnedChildren();
  let supervisor: Supervisor | null = null;
  let echo: LogEcho | null = null;
  let health: HealthServer | null = null;
  let reaper: OrphanReaper | null = null;
  let checker: NodeJS.Timeout | null = null;
  let stopping = false;
  let sawLive = false;

  // Remembered, so lines read after a process is gone (the last ones, at exit) still name their instance.
  const instances = new Map<number, number>();
  const instanceOf = (id: number | null) => {
    if (id === null) return null;
    if (!instances.has(id)) for (const p of supervisor?.list() ?? []) instances.set(p.id, p.instance);
    return instances.get(id) ?? null;
  };
  const check = () => {
    if (!supervisor || stopping) return;
    echo?.track(supervisor.logFiles(null));
    const details = supervisor.appRunners().flatMap((a) => a.details());
    if (details.some((d) => d.status === 'launching' || d.status === 'online')) sawLive = true;
    // Before anything ran, "all at rest" only means nothing has started yet.
    const verdict = runVerdict(details);
    if (!verdict.end || (verdict.code === 0 && !sawLive)) return;
    stopping = true;
    say(`${verdict.why}; stopping every app and exiting with ${verdict.code}`);
    end(verdict.code, verdict.why);
  };

  return {
    name: 'run',
    async start(ctx) {
      supervisor = ctx.supervisor;
      if (process.pid === 1) {
        const r = await startOrphanReaper();
        if ('unavailable' in r)
          say(
            `cannot reap orphaned processes as PID 1 (${r.unavailable}); run the container with an init (docker run --init)`,
          );
        else reaper = r;
      }
      const write = (stream: 'out' | 'err', text: string) =>
        (stream === 'out' ? process.stdout : process.stderr).write(text);
      echo = new LogEcho({ json: spec.json_logs, instanceOf, write }, sizesBefore(spec, ctx.paths.root));
      if (spec.health) {
        health = await startHealthServer(spec.health.host, spec.health.port, () =>
          stopping ? { ready: false, waiting: ['shoal is stopping'] } : readiness(ctx.supervisor.list()),
        );
        say(`health probes on http://${spec.health.host}:${health.port}/healthz and /readyz`);
      }
      const res = await ctx.supervisor.start({
        apps: spec.apps,
        cli_env: spec.cli_env,
        wait: false,
        hints: false,
      });
      for (const m of res.messages) say(m);
      log('run.started', { apps: spec.apps.map((a) => a.name), pid1: process.pid === 1 });
      echo.track(ctx.supervisor.logFiles(null));
      ctx.supervisor.on('processes:changed', () => setImmediate(check));
      checker = setInterval(check, CHECK_MS);
    },
    stop() {
      // The daemon stops the apps after this: readiness turns 503 at once, logs go on until flush.
      stopping = true;
      if (checker) clearInterval(checker);
    },
    async flush() {
      if (supervisor) echo?.track(supervisor.logFiles(null));
      echo?.drain();
      reaper?.stop();
      await health?.close();
      health = null;
    },
  };
}
