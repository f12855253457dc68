// App metrics as they travel from a worker (declared with the runtime library) to the daemon, which
// aggregates them over workers for `describe` and the Prometheus endpoint.
import { z } from 'zod';

export const MetricSampleSchema = z.object({
  labels: z.record(z.string(), z.string()).default({}),
  /** Counter or gauge value. */
  value: z.number().optional(),
  /** Histogram: cumulative counts per upper bound, as [le, count] pairs (le may be Infinity as "+Inf"). */
  buckets: z.array(z.tuple([z.union([z.number(), z.literal('+Inf')]), z.number()])).optional(),
  sum: z.number().optional(),
  count: z.number().optional(),
});

export const AppMetricSchema = z.object({
  name: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/),
  help: z.string(),
  type: z.enum(['counter', 'gauge', 'histogram']),
  samples: z.array(MetricSampleSchema),
});
export type AppMetric = z.infer<typeof AppMetricSchema>;
