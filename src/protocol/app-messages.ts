// Every message on the IPC channel between an app process and its supervisor (the primary for cluster
// workers, the daemon in fork mode), in both directions, in one list. The preload and the runtime library
// run inside the app, where loading a schema library would slow every start: they use the plain guards
// below. The supervisor validates what it keeps (stats) with StatsMessageSchema (app-message-schemas.ts).
// The shared store's messages have their own namespace, "shoal:store:*" (store-wire.ts).
import type { StatsMessage } from './app-message-schemas.js';

export type { StatsMessage };

/** Each message's type string, by direction. PM2's plain strings are accepted where PM2 apps send them. */
export const APP_MESSAGE_TYPES = {
  toApp: {
    /** Stop taking new work, finish in-flight requests, run shutdown hooks, exit. */
    drain: 'shoal:drain',
    /** The primary has handled our "drained": no more connections will come. */
    drainedAck: 'shoal:drained-ack',
    /** PM2's shutdown_with_message: the app stops itself on this string. */
    shutdown: 'shutdown',
    /**
     * Comes with a socket: a health probe's connection, to be served by the app's HTTP server that
     * listens on `port` (or its first one). Cluster workers share their port, so a probe sent to the
     * port could reach any worker; a socket handed to one worker reaches that one.
     */
    probe: 'shoal:probe',
  },
  fromApp: {
    /** Ready to serve (the runtime's ready()). */
    ready: 'shoal:ready',
    /** PM2's `process.send('ready')`. */
    pm2Ready: 'ready',
    /**
     * The worker's servers are closed. The primary handles a worker's messages in order, so when it
     * answers (drainedAck) it has processed the close and will hand the worker no more connections;
     * connections handed over before that have been refused back by then. Only after the answer may the
     * worker exit without stranding a connection.
     */
    drained: 'shoal:drained',
    /** Every few seconds: heap, event-loop delay, app metrics. */
    stats: 'shoal:stats',
    /** A fork-mode process listens on an address (cluster workers are seen listening by their primary). */
    listening: 'shoal:listening',
    /** Several times per hang_timeout, from the app's event loop: it still answers (hang detection). */
    beat: 'shoal:beat',
    /** Sent last, so the process exits only once its earlier messages are written. */
    exiting: 'shoal:exiting',
  },
} as const;

const T = APP_MESSAGE_TYPES;

export interface DrainMessage {
  type: typeof T.toApp.drain;
  /** Time left before the supervisor force-kills the process. */
  timeout_ms: number;
  /** The app's kill_signal: raised once draining is done if the app handles that signal itself. */
  signal?: string;
}

/** Constructors: the only place message objects are written. */
export const toApp = {
  drain: (timeoutMs: number, signal?: string): DrainMessage => ({
    type: T.toApp.drain,
    timeout_ms: timeoutMs,
    ...(signal === undefined ? {} : { signal }),
  }),
  drainedAck: () => ({ type: T.toApp.drainedAck }) as const,
  shutdown: () => T.toApp.shutdown,
  probe: (port: number | null) => ({ type: T.toApp.probe, port }) as const,
};

export const fromApp = {
  ready: () => ({ type: T.fromApp.ready }) as const,
  drained: () => ({ type: T.fromApp.drained }) as const,
  exiting: () => ({ type: T.fromApp.exiting }) as const,
  beat: () => ({ type: T.fromApp.beat }) as const,
  listening: (address: string) => ({ type: T.fromApp.listening, address }) as const,
  stats: (figures: Omit<StatsMessage, 'type'>): StatsMessage => ({ type: T.fromApp.stats, ...figures }),
};

function typeOf(message: unknown): unknown {
  return typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;
}

export function isDrainMessage(message: unknown): message is DrainMessage {
  return (
    typeOf(message) === T.toApp.drain && typeof (message as { timeout_ms?: unknown }).timeout_ms === 'number'
  );
}

/** The port of a probe message (null: the app's first server), or undefined when it is not one. */
export function probePort(message: unknown): number | null | undefined {
  if (typeOf(message) !== T.toApp.probe) return undefined;
  const port = (message as { port?: unknown }).port;
  return typeof port === 'number' ? port : null;
}

export const isDrainedAck = (message: unknown): boolean => typeOf(message) === T.toApp.drainedAck;
export const isDrained = (message: unknown): boolean => typeOf(message) === T.fromApp.drained;
/** A message that proves the app's event loop ran: its heartbeat, or its stats report. */
export const isBeat = (message: unknown): boolean => {
  const type = typeOf(message);
  return type === T.fromApp.beat || type === T.fromApp.stats;
};
/** Only the type is checked: the supervisor validates the figures before keeping them. */
export const isStatsMessage = (message: unknown): boolean => typeOf(message) === T.fromApp.stats;

/** The address of a listening message, or null when the message is not one. */
export function listeningAddress(message: unknown): string | null {
  const address = (message as { address?: unknown } | null)?.address;
  return typeOf(message) === T.fromApp.listening && typeof address === 'string' ? address : null;
}

/** The ready signal: the runtime's message or PM2's plain 'ready'. */
export function isReadyMessage(message: unknown): boolean {
  return message === T.fromApp.pm2Ready || typeOf(message) === T.fromApp.ready;
}
