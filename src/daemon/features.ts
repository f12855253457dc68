// Optional parts of the daemon (web dashboard and metrics, watch, cron, persistence, ...) plug in here:
// each gets the supervisor when the daemon starts and is stopped before it exits.
import type { HomePaths } from '../home.js';
import { cronFeature } from './cron-feature.js';
import { memoryLimitFeature } from './memory-limit-feature.js';
import { bootResurrectFeature } from './persistence/boot-resurrect-feature.js';
import { recoveryFeature } from './recovery/recovery-feature.js';
import type { Supervisor } from './supervisor.js';
import { watchFeature } from './watch-feature.js';
import { webFeature } from './web-feature.js';

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
  // Recovery and boot-resurrect last: watch and cron must already listen when apps are added; recovery
  // before resurrect, so apps that still run are taken back rather than started twice.
  return [
    memoryLimitFeature(),
    webFeature(),
    watchFeature(),
    cronFeature(),
    recoveryFeature(),
    bootResurrectFeature(),
  ];
}
