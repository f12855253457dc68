// Finds the hook Shoal's preload installs in every app process it starts. The runtime never imports the
// worker's code: the two sides agree only on the WorkerGlue shape in protocol/worker-glue.ts.
import { WORKER_GLUE, type WorkerGlue } from '../protocol/worker-glue.js';

/** The glue when running under Shoal; null under plain node. */
export function findGlue(): WorkerGlue | null {
  const glue = (globalThis as Record<symbol, unknown>)[WORKER_GLUE] as Partial<WorkerGlue> | undefined;
  return glue && typeof glue.onShutdown === 'function' && typeof glue.setMetricsProvider === 'function'
    ? (glue as WorkerGlue)
    : null;
}
