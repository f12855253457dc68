// The daemon's features, in start order, and the set the daemon drives them through.
import type { Handlers, RequestType } from '../../protocol/channel.js';
import type { ControlChannel } from '../../protocol/control-channel.js';
import { log } from '../daemon-log.js';
import { bootResurrectFeature } from './boot-resurrect.js';
import { cronFeature } from './cron.js';
import type { DaemonFeature, FeatureContext } from './feature.js';
import { memoryLimitFeature } from './memory-limit.js';
import { recoveryFeature } from './recovery.js';
import { watchFeature } from './watch.js';
import { webFeature } from './web.js';

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

export class FeatureSet {
  private stopped = false;

  constructor(private readonly features: DaemonFeature[]) {}

  async start(ctx: FeatureContext): Promise<void> {
    for (const f of this.features) {
      await f.start(ctx);
      log('feature.started', { feature: f.name });
    }
  }

  /** The handler a feature provides for a control request, or null when none does. */
  answer<T extends RequestType<ControlChannel>>(type: T): Handlers<ControlChannel>[T] | null {
    for (const f of this.features) {
      const handler = f.answers?.[type];
      if (handler) return handler as Handlers<ControlChannel>[T];
    }
    return null;
  }

  async flush(): Promise<void> {
    for (const f of this.features) await f.flush?.();
  }

  freeze(): void {
    for (const f of this.features) f.freeze?.();
  }

  /** Stops every feature once, in reverse start order. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const f of [...this.features].reverse()) await f.stop?.();
  }
}
