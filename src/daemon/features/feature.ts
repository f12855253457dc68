// What a plug-in part of the daemon (dashboard, watch, cron, memory limit, recovery, boot resurrect) looks
// like to the daemon: it is started with the supervisor, may answer some control requests, may have
// state to write before the daemon exits, and is stopped last. The daemon knows features only by this.
import type { HomePaths } from '../../home.js';
import type { Handlers } from '../../protocol/channel.js';
import type { ControlChannel } from '../../protocol/control-channel.js';
import type { Supervisor } from '../supervisor.js';

export interface FeatureContext {
  supervisor: Supervisor;
  paths: HomePaths;
}

export interface DaemonFeature {
  readonly name: string;
  start(ctx: FeatureContext): void | Promise<void>;
  /** Control requests this feature answers (the dashboard answers `web`). */
  readonly answers?: Partial<Handlers<ControlChannel>>;
  /** Writes what must outlive the daemon; called before it exits and before it hands over. */
  flush?(): Promise<void>;
  /** The daemon hands its apps to a successor: from now on, record nothing. */
  freeze?(): void;
  stop?(): void | Promise<void>;
}
