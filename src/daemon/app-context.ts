// What an app runner is given by the supervisor: where the home is, how to get process ids, the metrics
// sampler, and how to say that something changed.
import type { AppConfig } from '../protocol/app-config.js';
import type { LogRotation } from '../protocol/log-rotation.js';
import type { MetricsSampler } from './metrics-sampler.js';

export interface AppContext {
  home: string;
  nextId: () => number;
  sampler: MetricsSampler;
  /** Called when a process starts, stops or is replaced, so the daemon's live state can follow. */
  onChange: () => void;
  resolveInstances: (instances: AppConfig['instances']) => number;
  /** The daemon-wide rotation defaults an app's unset log_* keys fall back to. */
  logDefaults: LogRotation;
}
