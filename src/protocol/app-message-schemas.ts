// The schemas of the app messages the supervisor keeps (see app-messages.ts for the whole list). Only the
// supervisor side loads this module: app processes never load the schema library.
import * as z from './zod-mini.js';
import { AppMetricSchema } from './app-metrics.js';
import { APP_MESSAGE_TYPES } from './app-messages.js';

export const StatsMessageSchema = z.object({
  type: z.literal(APP_MESSAGE_TYPES.fromApp.stats),
  heap_used: z.number(),
  heap_total: z.number(),
  /** Event-loop delay over the last interval, seconds (mean and max). */
  loop_delay: z.number(),
  loop_delay_max: z.number(),
  app_metrics: z._default(z.array(AppMetricSchema), []),
});
export type StatsMessage = z.infer<typeof StatsMessageSchema>;
