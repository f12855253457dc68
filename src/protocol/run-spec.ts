// What `shoal run` hands the daemon it turns into in its own process: the apps to start, how to echo
// their logs, and where to answer health probes. Passed in one environment variable, validated on
// arrival and removed at once, so no app inherits it.
import * as z from './zod-mini.js';
import { AppConfigSchema } from './app-config.js';

export const RUN_SPEC_ENV = 'SHOAL_RUN_SPEC';

export const RunSpecSchema = z.object({
  apps: z.array(AppConfigSchema).check(z.minLength(1)),
  cli_env: z.record(z.string(), z.string()),
  /** One JSON object per log line instead of `<id>|<app>| line`. */
  json_logs: z.boolean(),
  /** Where /healthz and /readyz answer; null when no --health-port was given. */
  health: z.nullable(
    z.object({ host: z.string().check(z.minLength(1)), port: z.int().check(z.gte(0), z.lte(65535)) }),
  ),
});
export type RunSpec = z.infer<typeof RunSpecSchema>;

/** Reads and removes the spec; null when this daemon was not started by `shoal run`. */
export function takeRunSpec(env: NodeJS.ProcessEnv = process.env): RunSpec | null {
  const raw = env[RUN_SPEC_ENV];
  delete env[RUN_SPEC_ENV];
  if (raw === undefined) return null;
  return RunSpecSchema.parse(JSON.parse(raw));
}
