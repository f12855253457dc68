// The shape of SHOAL_HOME/dump.json, the process list `shoal save` writes and `shoal resurrect` reads.
// Older shapes are upgraded by the steps in dump-migrations.ts before this schema checks them. Loaded
// only by dump-file.ts, which save and resurrect load when they run.
import * as z from '../../protocol/zod-mini.js';
import { AppConfigSchema } from '../../protocol/app-config.js';

export { CURRENT_DUMP_VERSION } from './dump-version.js';

export const SavedAppSchema = z.object({
  /** The normalized config the app runs with; defaults added to AppConfig later fill in on read. */
  config: AppConfigSchema,
  /** Environment of the shell that started the app (the base layer of its env, see launch-spec.ts). */
  cli_env: z.record(z.string(), z.string()),
  /** Processes the app had when saved (after any `shoal scale`). */
  instances: z.int().check(z.minimum(1)),
  /** "stopped" apps are registered on resurrect but not started. */
  status: z.enum(['running', 'stopped']),
});
export type SavedApp = z.infer<typeof SavedAppSchema>;

export const DumpV1Schema = z.object({
  version: z.literal(1),
  saved_at: z.string(),
  shoal_version: z.string(),
  apps: z.array(SavedAppSchema),
});
export type DumpDocument = z.infer<typeof DumpV1Schema>;
