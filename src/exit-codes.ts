// Exit codes Shoal's own processes use and act on. Each is a contract between two processes (a daemon
// and the CLI that started it, a daemon and its init system, an app and its supervisor), so they are
// named here once; docs/errors.md lists them and test/docs-sync.test.ts keeps the two in sync.
import { constants } from 'node:os';

export const ExitCodes = {
  /** Another daemon already serves this SHOAL_HOME (or is starting): the CLI talks to that one. */
  ALREADY_RUNNING: 3,
  /**
   * A daemon handed its apps over to its successor (`shoal update` under an init system). The systemd
   * unit restarts on it (RestartForceExitStatus). EX_TEMPFAIL in sysexits.h.
   */
  HANDOVER: 75,
  /**
   * "My configuration is invalid; restarting will not help." An app (or a primary started without its
   * spec) exits with it, and the restart policy gives up at once instead of looping. EX_CONFIG.
   */
  CONFIG_INVALID: 78,
} as const;

export type ExitCode = (typeof ExitCodes)[keyof typeof ExitCodes];

/** The code a shell reports for a process killed by a signal, and what an app exits with to say so: 128 + n. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}
