// Injected into every Node app process Shoal starts (node --import <this file>). It installs the hook the
// runtime library uses, tracks servers for graceful drain, reports runtime stats, and answers the
// supervisor's drain request (cluster mode) or the stop signal (fork mode) by draining before exit.
import cluster from 'node:cluster';
import { fromApp, isDrainedAck, isDrainMessage } from '../protocol/app-messages.js';
import { destroyRemainingSockets, drainServers } from './drain.js';
import { installPreloadHook } from './hook-install.js';
import { installServerTracking, servers } from './server-tracker.js';
import { startHangWatchdog } from './hang-watchdog.js';
import { installOwnBalancing } from './own-balancing.js';
import { installProbeLink } from './probe-link.js';
import { startStatsReporter } from './stats-reporter.js';

const hook = installPreloadHook();
// Cluster workers are seen listening by their primary (node:cluster tells it); a fork-mode process says so.
installServerTracking(
  !cluster.isWorker && typeof process.send === 'function'
    ? (address) => process.send?.(fromApp.listening(address), undefined, {}, () => {})
    : null,
);
startStatsReporter(hook, Number(process.env.SHOAL_STATS_INTERVAL_MS ?? 2000));
startHangWatchdog();
installProbeLink();
installOwnBalancing();

/** Time kept in reserve before the supervisor's SIGKILL, to exit on our own terms. */
const EXIT_MARGIN_MS = 100;

/**
 * Drains, runs the shutdown hooks, then ends the process: an app that handles `signal` itself (PM2
 * habit) gets it now and exits when it is done; otherwise the process exits, or, when it was stopped
 * by a signal from outside (`dieBy`), dies by that signal so its exit reads as what it was.
 */
async function drainAndExit(
  timeoutMs: number,
  signal: string | undefined,
  dieBy?: NodeJS.Signals,
): Promise<void> {
  if (hook.draining) return;
  hook.draining = true;
  const deadline = Date.now() + Math.max(0, timeoutMs - EXIT_MARGIN_MS);
  await drainServers(deadline);
  if (cluster.isWorker) await primaryLetGo(deadline);
  await hook.runHooks(deadline);
  destroyRemainingSockets();
  if (signal && appHandles(signal)) {
    process.kill(process.pid, signal as NodeJS.Signals);
    // Our servers are closed: nothing of Shoal's may keep the process alive while the app finishes.
    process.channel?.unref();
    return;
  }
  exitAfterFlush(dieBy);
}

/** Waits until the primary has stopped handing us connections (see `drained` in protocol/app-messages.ts). */
function primaryLetGo(deadline: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
    timer.unref();
    const onMessage = (message: unknown) => {
      if (!isDrainedAck(message)) return;
      clearTimeout(timer);
      process.off('message', onMessage);
      resolve();
    };
    process.on('message', onMessage);
    process.send?.(fromApp.drained(), undefined, {}, () => {});
  });
}

/** Exits (or dies by `dieBy`) once our last IPC messages (connection refusals included) have been written. */
function exitAfterFlush(dieBy?: NodeJS.Signals): void {
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    if (dieBy === undefined) process.exit(0);
    // With our handlers gone the signal takes its default action: the process dies by it.
    for (const l of ownHandlers) process.off(dieBy, l as () => void);
    process.kill(process.pid, dieBy);
  };
  if (typeof process.send !== 'function' || !process.connected) {
    end();
    return;
  }
  process.send(fromApp.exiting(), undefined, {}, end);
  setTimeout(end, 200).unref();
}

if (typeof process.send === 'function') {
  process.on('message', (message: unknown) => {
    if (isDrainMessage(message)) void drainAndExit(message.timeout_ms, message.signal);
  });
  // Our listener must not keep a fork-mode process alive that would otherwise exit. (A cluster worker
  // is different: its IPC channel is how connections reach it, so it must stay referenced.)
  if (!cluster.isWorker) process.channel?.unref();
}

// A stop signal from outside (fork mode's stop, or `kill -TERM` of any process). Where the app has no
// handler of its own, drain and run the shutdown hooks instead of dying mid-request, then die by the
// signal; an app with its own handler keeps full control.
const forkTimeout = Number(process.env.SHOAL_KILL_TIMEOUT_MS ?? 1600);
const ownHandlers = new Set<(...args: unknown[]) => void>();
function appHandles(signal: string): boolean {
  return process
    .listeners(signal as NodeJS.Signals)
    .some((l) => !ownHandlers.has(l as (...args: unknown[]) => void));
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  const onStopSignal = () => {
    if (!appHandles(sig)) {
      void drainAndExit(forkTimeout, undefined, sig);
      return;
    }
    // The app stops itself; once its handler has closed its servers, our IPC channel (the cluster
    // worker's link to its primary) must not keep it alive. One that keeps serving keeps the channel.
    if (cluster.isWorker)
      setImmediate(() => [...servers].every((s) => !s.listening) && process.channel?.unref());
  };
  ownHandlers.add(onStopSignal);
  process.on(sig, onStopSignal);
}
