// The worker's half of Shoal's own distribution (protocol/balancer-messages.ts). A TCP server of a
// cluster worker listens through node:cluster's `_getServer`, the hook node:cluster itself uses to
// give workers a stand-in handle; here the stand-in's listening socket lives in the primary, which
// picks the worker for each connection (by client address, or fewest open connections) and hands the
// socket over IPC. For the app nothing changes: `listening`, `address()`, `close()` and `connection`
// behave as with node:cluster's own round-robin.
import cluster from 'node:cluster';
import type net from 'node:net';
import {
  balancerMessage,
  isConnMessage,
  isListenAck,
  type ListenAck,
} from '../protocol/balancer-messages.js';
import { fromApp } from '../protocol/app-messages.js';
import { formatAddress } from '../protocol/listen-address.js';

interface ServerQuery {
  address?: string | null;
  port?: number;
  addressType?: number | string;
  fd?: number;
  backlog?: number;
}
type GetServer = (server: net.Server, query: ServerQuery, cb: (err: number, handle?: object) => void) => void;

interface StandIn {
  listen(): number;
  getsockname(out: Record<string, unknown>): number;
  close(cb?: () => void): void;
  ref(): void;
  unref(): void;
  /** Set by node:net when the server starts listening on the stand-in: takes a raw TCP handle. */
  onconnection?: (err: number, handle: unknown) => void;
}
const byKey = new Map<string, StandIn>();
const acks = new Map<string, Array<(ack: ListenAck) => void>>();
let taken: number[] = [];
let refused: number[] = [];
let closed = 0;
let reportScheduled = false;
let lastReportAt = 0;

/**
 * Close counts go out at most this often while connections churn. Each connection's "taken" reply
 * carries the closes counted so far, so the primary's counts stay fresh where it matters, and a close
 * after a quiet spell is reported on the loop's next turn. A report of its own per close would wake the
 * primary once more per connection: about a third more of its CPU with a new connection per request.
 */
const CLOSE_REPORT_MS = 20;

function send(message: object): void {
  if (process.connected) process.send?.(message, undefined, {}, () => {});
}

function sendReport(): void {
  send(balancerMessage.conns(taken, refused, closed));
  taken = [];
  refused = [];
  closed = 0;
  lastReportAt = performance.now();
}

function scheduleReport(): void {
  if (reportScheduled) return;
  reportScheduled = true;
  const flush = () => {
    reportScheduled = false;
    if (taken.length > 0 || refused.length > 0 || closed > 0) sendReport();
  };
  const wait = lastReportAt + CLOSE_REPORT_MS - performance.now();
  if (wait <= 0) setImmediate(flush);
  else setTimeout(flush, wait).unref();
}

function standInHandle(key: string, ack: ListenAck): StandIn {
  return {
    listen: () => 0,
    getsockname(out: Record<string, unknown>) {
      Object.assign(out, { address: ack.address, port: ack.port, family: ack.family });
      return 0;
    },
    close(cb?: () => void) {
      byKey.delete(key);
      send(balancerMessage.unlisten(key));
      if (cb) process.nextTick(cb);
    },
    ref() {},
    unref() {},
  };
}

export function installOwnBalancing(): void {
  const kind = process.env.SHOAL_BALANCER;
  if (!cluster.isWorker || (kind !== 'ip-hash' && kind !== 'least-connections')) return;
  const withCluster = cluster as unknown as { _getServer: GetServer };
  const original = withCluster._getServer.bind(cluster);
  withCluster._getServer = (server, query, cb) => {
    // TCP only; pipes and UDP keep node:cluster's own handling.
    const tcp = (query.addressType === 4 || query.addressType === 6) && (query.fd ?? -1) < 0;
    if (!tcp) return original(server, query, cb);
    const host = query.address ?? null;
    const port = query.port ?? 0;
    const key = `${host ?? '*'}:${port}`;
    const waiters = acks.get(key) ?? [];
    acks.set(key, waiters);
    waiters.push((ack) => {
      if (ack.errno !== 0) return cb(ack.errno);
      const standIn = standInHandle(key, ack);
      byKey.set(key, standIn);
      // Counted for least-connections: the primary hears how many of this worker's connections closed.
      server.prependListener('connection', (socket: net.Socket) =>
        socket.once('close', () => {
          closed += 1;
          scheduleReport();
        }),
      );
      cb(0, standIn);
      server.once('listening', () =>
        send(fromApp.listening(formatAddress({ address: host, port: ack.port }))),
      );
    });
    send(balancerMessage.listen(key, host, port, query.backlog ?? 511));
  };
  // The primary's balancer messages come as Node's internal messages (see INTERNAL_CMD), out of the app's sight.
  process.on('internalMessage' as 'message', (message: unknown, handle: unknown) => {
    if (isListenAck(message)) {
      for (const w of acks.get(message.key)?.splice(0) ?? []) w(message);
      return;
    }
    if (!isConnMessage(message) || !handle) return;
    const standIn = byKey.get(message.key);
    // Answered at once, as node:cluster's own workers do: the reply leaves in the same turn as Node's
    // acknowledgement of the handle, so the primary reads both in one wake-up and frees its copy sooner.
    // It carries the closes counted so far, which keeps least-connections' counts as fresh as before.
    if (!standIn?.onconnection) {
      // Closed meanwhile (a drain): the primary still holds the connection and gives it to another worker.
      refused.push(message.id);
      sendReport();
      (handle as { close?: () => void }).close?.();
      return;
    }
    taken.push(message.id);
    sendReport();
    // The raw handle goes where node:net's own accept would put it: the server counts it, applies
    // maxConnections and emits 'connection' with a socket whose `server` is set.
    standIn.onconnection(0, handle);
  });
}
