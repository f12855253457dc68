// What the daemon needs from an app, whatever its mode: fork apps are run by the daemon itself,
// cluster apps by their own primary process that the daemon talks to.
import type { AppConfig } from '../protocol/app-config.js';
import type { LogFile } from '../protocol/control-channel.js';
import type { ProcessDetail, ProcessInfo } from '../protocol/process-info.js';

/** New settings for a running app: a process file read again, or restart --update-env. */
export interface AppUpdate {
  config: AppConfig;
  cliEnv: Record<string, string>;
}

export interface AppRunner {
  readonly name: string;
  config: AppConfig;
  /** Environment of the CLI that started the app: the base layer of every instance's env. */
  cliEnv: Record<string, string>;
  processes(): ProcessInfo[];
  details(): ProcessDetail[];
  /** Ids of this app's processes. */
  ids(): number[];
  /** Pids of its running processes, where the runner has them cheaper than through processes(). */
  pids?(): number[];
  start(): Promise<void>;
  /** Creates the app's processes in the stopped state without starting them (autostart: false). */
  prepare(): void;
  /** Stops the given process ids (all when omitted). */
  stop(ids?: number[]): Promise<void>;
  /** Stop and start again; with `update`, the new settings and base env apply (ids and counts are kept). */
  restart(ids?: number[], update?: AppUpdate): Promise<void>;
  /** Zero-downtime replacement where the mode allows it, with new settings if given; messages for the user. */
  reload(update?: AppUpdate): Promise<string[]>;
  scale(instances: number): Promise<string[]>;
  /** Lets go of the app without stopping it (daemon hand-over); only apps that outlive the daemon have it. */
  detach?(): void;
  /** Stops everything and releases files; the runner is unusable afterwards. */
  destroy(): Promise<void>;
  logFiles(): LogFile[];
  /** Opens every log file again (after an outside rotation moved them), or empties them; returns the paths. */
  actOnLogs(action: 'reopen' | 'flush'): Promise<string[]>;
  /** Replaces one process gracefully (memory limit, watch): a reload of that worker in cluster mode. */
  replace(id: number, reason: string): Promise<void>;
  /** Sets the restart counts of the given processes (all when omitted) back to 0 (`shoal reset`). */
  resetCounters(ids?: number[]): void;
  /** Sends a signal to the given processes (all when omitted). */
  signal(signal: NodeJS.Signals, ids?: number[]): void;
  /** The exact environment the given process was started with. */
  envOf(id: number): Record<string, string> | null;
}
