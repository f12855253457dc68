// App metrics as they travel from a worker (declared with the runtime library) to the daemon, which
// aggregates them over workers for `describe` and the Prometheus endpoint.
import * as z from './zod-mini.js';

export const MetricSampleSchema = z.object({
  labels: z._default(z.record(z.string(), z.string()), {}),
  /** Counter or gauge value. */
  value: z.optional(z.number()),
  /** Histogram: cumulative counts per upper bound, as [le, count] pairs (le may be Infinity as "+Inf"). */
  buckets: z.optional(z.array(z.tuple([z.union([z.number(), z.literal('+Inf')]), z.number()]))),
  sum: z.optional(z.number()),
  count: z.optional(z.number()),
});

export const AppMetricSchema = z.object({
  name: z.string().check(z.regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/)),
  help: z.string(),
  type: z.enum(['counter', 'gauge', 'histogram']),
  samples: z.array(MetricSampleSchema),
});
export type AppMetric = z.infer<typeof AppMetricSchema>;
