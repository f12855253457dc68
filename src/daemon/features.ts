// Optional parts of the daemon (web dashboard and metrics, watch, cron, persistence, ...) plug in here:
// each gets the supervisor when the daemon starts and is stopped before it exits.
import type { HomePaths } from '../home.js';
import type { Supervisor } from './supervisor.js';

export interface DaemonFeature {
  readonly name: string;
  start(ctx: FeatureContext): void | Promise<void>;
  stop?(): void | Promise<void>;
}

export interface FeatureContext {
  supervisor: Supervisor;
  paths: HomePaths;
}

/** The features every daemon runs, in start order. */
export function daemonFeatures(): DaemonFeature[] {
  return [];
}
