// How a log file is rotated, resolved from an app's keys over the daemon's defaults. The daemon resolves
// it and hands it to the writer that owns the file (itself for fork apps, the primary for cluster apps).
import * as z from './zod-mini.js';

export const LogRotationSchema = z.object({
  /** Rotate once the file would pass this many bytes; 0 = no size limit. */
  max_size: z.int().check(z.gte(0)),
  /** Rotated files kept per log file; 0 = keep them all. */
  retain: z.int().check(z.gte(0)),
  /** Gzip rotated files (in a worker thread, off the writer's loop). */
  compress: z.boolean(),
  /** A cron pattern to rotate by time as well, or null. */
  interval: z.nullable(z.string()),
});
export type LogRotation = z.infer<typeof LogRotationSchema>;

/** Built-in defaults: a busy app keeps at most 11 files of 100 MiB per stream (~1.1 GiB), not the disk. */
export const BUILT_IN_LOG_ROTATION: LogRotation = {
  max_size: 100 * 1024 * 1024,
  retain: 10,
  compress: false,
  interval: null,
};

/** 'daily' and 'hourly' as cron patterns; anything else is a cron pattern already. */
export function cronPatternOf(interval: string): string {
  if (interval === 'daily') return '0 0 * * *';
  if (interval === 'hourly') return '0 * * * *';
  return interval;
}

/** The app's own keys win; null (unset) falls back to the daemon's defaults. */
export function resolveRotation(
  app: {
    log_max_size: number | null;
    log_retain: number | null;
    log_compress: boolean | null;
    log_rotate_interval: string | null;
  },
  defaults: LogRotation,
): LogRotation {
  const interval = app.log_rotate_interval ?? defaults.interval;
  return {
    max_size: app.log_max_size ?? defaults.max_size,
    retain: app.log_retain ?? defaults.retain,
    compress: app.log_compress ?? defaults.compress,
    interval: interval === null || interval === 'none' ? null : cronPatternOf(interval),
  };
}
