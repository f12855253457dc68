// What to do when a supervised process exits on its own. A pure function of the settings, the exit and
// the history, so it is tested without processes. Shared by the daemon (fork mode and the primaries it
// runs) and primaries (cluster workers).
import { ExitCodes } from '../exit-codes.js';
import type { ExitInfo } from '../protocol/process-info.js';

export interface RestartSettings {
  autorestart: boolean;
  max_restarts: number;
  min_uptime: number;
  restart_delay: number;
  exp_backoff_restart_delay: number;
  exp_backoff_max_delay: number;
  stop_exit_codes: number[];
}

export interface ExitFacts {
  code: number | null;
  signal: string | null;
  /** How long this run lasted, in ms. */
  uptime: number;
  /** What happened, when the code and signal do not say it ("did not start: ..."). */
  why?: string;
  /**
   * True when the run does not show that the process cannot start: it served (listened or sent its
   * ready signal), or something outside killed it before it could (see killedFromOutside).
   */
  mayServe?: boolean;
}

export interface RestartHistory {
  /** Consecutive runs that ended before min_uptime. */
  unstableRestarts: number;
  /** Steps taken on the exponential backoff ladder since it was last reset. */
  backoffStep: number;
  /** Consecutive short runs that never served: the count max_restarts bounds. */
  unservedRestarts?: number;
}

/** A run longer than this resets the backoff ladder (PM2 resets after 30 s). */
export const BACKOFF_RESET_UPTIME_MS = 30_000;

/**
 * Delays between restarts in a crash loop when the app sets no delay of its own, by the loop's length:
 * the first crash restarts at once, then the wait doubles up to 1 s. Short enough that an app killed
 * from outside serves again within about a second of the kills stopping; long enough that a loop costs
 * a few restarts a second, not hundreds.
 */
export const IMPLICIT_BACKOFF_MS: readonly number[] = [0, 100, 200, 400, 800, 1000];

export type RestartDecision =
  | { action: 'stop'; reason: string }
  | { action: 'give-up'; reason: string }
  | { action: 'restart'; delay: number; reason: string; history: RestartHistory };

/** Signals a process raises against itself when it fails (a native crash, abort()), not sent from outside. */
const SELF_INFLICTED = new Set(['SIGSEGV', 'SIGABRT', 'SIGBUS', 'SIGILL', 'SIGFPE', 'SIGSYS', 'SIGTRAP']);

/**
 * A run ended by a signal from outside (SIGKILL, SIGTERM, ...) says nothing about whether the process
 * can start: one killed at birth again and again would serve if left alone.
 */
export function killedFromOutside(signal: string | null): boolean {
  return signal !== null && !SELF_INFLICTED.has(signal);
}

/** What `describe` keeps of one exit; `requested` when the supervisor had asked the process to stop. */
export function exitRecord(
  exit: { code: number | null; signal: string | null; spawnError?: string },
  at: number,
  uptime: number,
  requested: boolean,
): ExitInfo {
  const reason = exit.spawnError ? `cannot start: ${exit.spawnError}` : describeExit(exit);
  return { code: exit.code, signal: exit.signal, reason, at, uptime, requested };
}

export function describeExit(exit: Pick<ExitFacts, 'code' | 'signal' | 'why'>): string {
  if (exit.why) return exit.why;
  if (exit.signal) return `killed by ${exit.signal}`;
  return `exited with code ${exit.code ?? 'unknown'}`;
}

export function decideRestart(
  settings: RestartSettings,
  exit: ExitFacts,
  history: RestartHistory,
): RestartDecision {
  const what = describeExit(exit);
  if (!settings.autorestart) return { action: 'stop', reason: `${what}; autorestart is off` };
  if (exit.signal === null && exit.code !== null && settings.stop_exit_codes.includes(exit.code)) {
    return { action: 'stop', reason: `${what}, listed in stop_exit_codes` };
  }
  if (exit.code === ExitCodes.CONFIG_INVALID) {
    return { action: 'give-up', reason: `${what} (configuration invalid); not restarting` };
  }

  const unstable = exit.uptime < settings.min_uptime;
  const unstableRestarts = unstable ? history.unstableRestarts + 1 : 0;
  // Only runs that never served count towards giving up: a process that starts and serves but keeps
  // being killed could serve again at any moment, while one that cannot start at all never will.
  const unservedRestarts = unstable && !exit.mayServe ? (history.unservedRestarts ?? 0) + 1 : 0;
  if (unservedRestarts > settings.max_restarts) {
    return {
      action: 'give-up',
      reason: `${what}; crash loop: ${unservedRestarts - 1} restarts in a row each lasting less than min_uptime (${settings.min_uptime} ms) without ever serving, max_restarts is ${settings.max_restarts}`,
    };
  }

  let delay = settings.restart_delay;
  let backoffStep = exit.uptime >= BACKOFF_RESET_UPTIME_MS ? 0 : history.backoffStep;
  if (settings.exp_backoff_restart_delay > 0) {
    // Doubling like Kubernetes' CrashLoopBackOff, from the configured first delay up to the cap.
    const raw = settings.exp_backoff_restart_delay * 2 ** backoffStep;
    delay = Math.min(raw, Math.max(settings.exp_backoff_max_delay, settings.exp_backoff_restart_delay));
    backoffStep += 1;
  } else if (delay === 0 && unstable) {
    delay = IMPLICIT_BACKOFF_MS[Math.min(unstableRestarts, IMPLICIT_BACKOFF_MS.length) - 1]!;
  }
  return {
    action: 'restart',
    delay,
    reason: unstable ? `${what} after ${exit.uptime} ms (unstable)` : what,
    history: { unstableRestarts, backoffStep, unservedRestarts },
  };
}
