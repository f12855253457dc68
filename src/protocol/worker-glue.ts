// The global hook the injected preload and the runtime library share inside an app process. Kept free of
// dependencies: it is loaded into every app process.
/**
 * The object the preload installs at globalThis[WORKER_GLUE] inside app processes. The runtime library
 * finds it there (it never imports worker/ code), so both sides agree only on this shape.
 */
export const WORKER_GLUE = Symbol.for('shoal.worker.glue');

export interface WorkerGlue {
  /** Registers an async hook run on stop/reload before the process exits. */
  onShutdown(hook: () => unknown | Promise<unknown>): void;
  /** Supplies app metrics for the periodic stats message. */
  setMetricsProvider(provider: () => unknown[]): void;
  /** True while the process is draining (stop or reload in progress). */
  readonly draining: boolean;
}

/** Supervisor -> app drain request (schema: DrainMessageSchema in worker-messages.ts). */
export interface DrainMessage {
  type: 'shoal:drain';
  timeout_ms: number;
  signal?: string;
}

/** True for a drain request; a plain check so app processes need not load the schema library. */
export function isDrainMessage(message: unknown): message is DrainMessage {
  const m = message as Partial<DrainMessage> | null;
  return typeof m === 'object' && m !== null && m.type === 'shoal:drain' && typeof m.timeout_ms === 'number';
}

/**
 * Worker -> primary after its servers closed, and the primary's answer. The primary handles a worker's
 * messages in order, so when it answers, it has processed the worker's server close and will hand it
 * no more connections; connections handed over before that have been refused back to the primary by
 * then. Only after the answer may the worker exit without stranding a connection.
 */
export const DRAINED = 'shoal:drained';
export const DRAINED_ACK = 'shoal:drained-ack';

export function isMessageOfType(message: unknown, type: string): boolean {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;
}
