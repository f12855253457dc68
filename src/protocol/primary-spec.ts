// What the daemon gives a new cluster primary: a 0600 file in SHOAL_HOME/run, named by the primary's
// SHOAL_PRIMARY_SPEC variable. It is kept current by the daemon, and is also how a daemon started later
// finds the primaries still running (see daemon/cluster/primary-spec-file.ts).
import * as z from './zod-mini.js';
import { AppConfigSchema } from './app-config.js';
import { BUILT_IN_LOG_ROTATION, LogRotationSchema } from './log-rotation.js';
import { SlotSchema } from './primary-channel.js';

export const PRIMARY_SPEC_VERSION = 1;

export const PrimarySpecSchema = z.object({
  version: z.literal(PRIMARY_SPEC_VERSION),
  app: AppConfigSchema,
  cli_env: z.record(z.string(), z.string()),
  home: z.string(),
  socket: z.string(),
  slots: z.array(SlotSchema),
  /** The daemon's rotation defaults, for the app's unset log_* keys and the primary's own log. */
  log_defaults: z._default(LogRotationSchema, BUILT_IN_LOG_ROTATION),
  /** Restart counts to carry over (a primary started again after its predecessor died). */
  restarts: z._default(z.record(z.string(), z.int()), {}),
  /** And why each was last restarted, by process id. */
  restart_reasons: z._default(z.record(z.string(), z.string()), {}),
  /**
   * The primary's pid and kernel start time, written once it is spawned: how a daemon started later
   * stops a primary it cannot talk to, without ever signalling a process that reused the pid.
   */
  primary: z._default(z.nullable(z.object({ pid: z.int(), start_time: z.nullable(z.string()) })), null),
});
export type PrimarySpec = z.infer<typeof PrimarySpecSchema>;
