// Injected into every Node app process Shoal starts (node --import <this file>). It installs the hook the
// runtime library uses, tracks servers for graceful drain, reports runtime stats, and answers the
// supervisor's drain request (cluster mode) or the stop signal (fork mode) by draining before exit.
import cluster from 'node:cluster';
import { fromApp, isDrainedAck, isDrainMessage } from '../protocol/app-messages.js';
import { destroyRemainingSockets, drainServers } from './drain.js';
import { installPreloadHook } from './hook-install.js';
import { installServerTracking } from './server-tracker.js';
import { startStatsReporter } from './stats-reporter.js';

const hook = installPreloadHook();
installServerTracking();
startStatsReporter(hook, Number(process.env.SHOAL_STATS_INTERVAL_MS ?? 2000));

/** Time kept in reserve before the supervisor's SIGKILL, to exit on our own terms. */
const EXIT_MARGIN_MS = 100;

async function drainAndExit(timeoutMs: number, signal: string | undefined): Promise<void> {
  if (hook.draining) return;
  hook.draining = true;
  const deadline = Date.now() + Math.max(0, timeoutMs - EXIT_MARGIN_MS);
  await drainServers(deadline);
  if (cluster.isWorker) await primaryLetGo(deadline);
  await hook.runHooks(deadline);
  destroyRemainingSockets();
  // An app that handles the stop signal itself (PM2 habit) gets it now, and exits when it is done.
  if (signal && appHandles(signal)) {
    process.kill(process.pid, signal as NodeJS.Signals);
    return;
  }
  exitAfterFlush();
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

/** Exits once our last IPC messages (connection refusals included) have been written. */
function exitAfterFlush(): void {
  if (typeof process.send !== 'function' || !process.connected) process.exit(0);
  process.send(fromApp.exiting(), undefined, {}, () => process.exit(0));
  setTimeout(() => process.exit(0), 200).unref();
}

if (typeof process.send === 'function') {
  process.on('message', (message: unknown) => {
    if (isDrainMessage(message)) void drainAndExit(message.timeout_ms, message.signal);
  });
  // Our listener must not keep a fork-mode process alive that would otherwise exit. (A cluster worker
  // is different: its IPC channel is how connections reach it, so it must stay referenced.)
  if (!cluster.isWorker) process.channel?.unref();
}

// Fork mode: the stop signal arrives as a signal. Where the app has no handler of its own, drain and
// run the shutdown hooks instead of dying mid-request; an app with its own handler keeps full control.
const forkTimeout = Number(process.env.SHOAL_KILL_TIMEOUT_MS ?? 1600);
const ownHandlers = new Set<(...args: unknown[]) => void>();
function appHandles(signal: string): boolean {
  return process
    .listeners(signal as NodeJS.Signals)
    .some((l) => !ownHandlers.has(l as (...args: unknown[]) => void));
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  const onStopSignal = () => {
    if (appHandles(sig)) return;
    void drainAndExit(forkTimeout, undefined);
  };
  ownHandlers.add(onStopSignal);
  process.on(sig, onStopSignal);
}
