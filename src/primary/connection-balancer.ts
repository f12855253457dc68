// Shoal's own connection distribution in the primary, for balancer "ip-hash" and "least-connections"
// (the worker's half is worker/own-balancing.ts). The primary holds each listening socket, takes each
// accepted connection as the raw TCP handle (no net.Socket: as node:cluster's RoundRobinHandle does, it
// never reads from it), picks a worker and hands it the handle over IPC; it keeps its own copy until
// the worker confirms, so a connection handed to a worker that dies (or has just closed its server)
// before taking it goes to another worker, or is closed at once: never left open with nobody on it.
import net from 'node:net';
import { constants } from 'node:os';
import {
  balancerMessage,
  type ConnsReport,
  isConnsReport,
  isListenRequest,
  isUnlisten,
  type ListenAck,
  type ListenRequest,
} from '../protocol/balancer-messages.js';
import type { ManagedProcess } from '../supervision/managed-process.js';
import { log } from './primary-log.js';
import type { WorkerPool } from './worker-pool.js';

/** How long a connection may wait for a worker when none listens (all restarting), and a listener idle. */
const NO_WORKER_GRACE_MS = 2_000;
/** Hand-overs of one connection before it is given up. */
const MAX_TRIES = 3;

interface Member {
  proc: ManagedProcess;
  pid: number;
  /** Order of registration: for one instance, the newest worker (a reload's replacement) wins. */
  seq: number;
}
/** An accepted connection as libuv hands it over: node:net's TCP wrap before any net.Socket exists. */
interface RawConnection {
  getpeername(out: { address?: string }): number;
  close(): void;
}
/** The listening TCP wrap of a net.Server: node:net reads `onconnection` from it for every accept. */
interface ListeningHandle {
  onconnection: (err: number, conn?: RawConnection) => void;
}
interface Listener {
  server: net.Server;
  bound: Promise<ListenAck>;
  members: Member[];
  waiting: Array<{ conn: RawConnection; tries: number; timer: NodeJS.Timeout }>;
  idleTimer: NodeJS.Timeout | null;
}
interface Held {
  conn: RawConnection;
  pid: number;
  key: string;
  tries: number;
}

/** FNV-1a: cheap and well spread over client addresses. */
function hashOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function errnoOf(code: string | undefined): number {
  const n = code ? (constants.errno as Record<string, number | undefined>)[code] : undefined;
  return -(n ?? constants.errno.EINVAL);
}

export class ConnectionBalancer {
  private readonly listeners = new Map<string, Listener>();
  private readonly held = new Map<number, Held>();
  private readonly open = new Map<number, number>();
  private nextId = 1;
  private seq = 0;
  private turn = 0;

  constructor(
    private readonly pool: WorkerPool,
    private readonly kind: 'ip-hash' | 'least-connections',
  ) {}

  /** Handles a worker's balancing message; false when the message is not one. */
  handle(proc: ManagedProcess, message: unknown): boolean {
    if (isListenRequest(message)) void this.join(proc, message);
    else if (isUnlisten(message)) this.leave((m) => m.pid === proc.pid, message.key);
    else if (isConnsReport(message)) this.report(proc, message);
    else return false;
    return true;
  }

  /** A worker's OS process exited: what it had not confirmed goes to another worker. */
  workerExited(pid: number): void {
    for (const key of this.listeners.keys()) this.leave((m) => m.pid === pid, key);
    for (const [id, h] of this.held) {
      if (h.pid !== pid) continue;
      this.held.delete(id);
      this.distribute(h.key, h.conn, h.tries + 1);
    }
    this.open.delete(pid);
  }

  close(): void {
    for (const l of this.listeners.values()) this.shut(l);
    this.listeners.clear();
    for (const h of this.held.values()) h.conn.close();
    this.held.clear();
  }

  private async join(proc: ManagedProcess, req: ListenRequest): Promise<void> {
    const pid = proc.pid;
    if (pid === null) return;
    let l = this.listeners.get(req.key);
    if (!l) {
      l = this.openListener(req);
      this.listeners.set(req.key, l);
    }
    const ack = await l.bound;
    if (ack.errno === 0 && proc.pid === pid) {
      l.members.push({ proc, pid, seq: ++this.seq });
      if (l.idleTimer) clearTimeout(l.idleTimer);
      l.idleTimer = null;
      for (const w of l.waiting.splice(0)) {
        clearTimeout(w.timer);
        this.distribute(req.key, w.conn, w.tries);
      }
    }
    proc.handle?.send?.(ack);
  }

  private openListener(req: ListenRequest): Listener {
    const server = net.createServer();
    const bound = new Promise<ListenAck>((resolve) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        this.listeners.delete(req.key);
        resolve(balancerMessage.listenAck(req.key, errnoOf(err.code)));
      });
      server.listen({ host: req.host ?? undefined, port: req.port, backlog: req.backlog }, () => {
        // Accepts go straight to the distribution, bypassing node:net's own (which would build a
        // net.Socket per connection only for us to take its handle). Set before the first accept can
        // run: node:net emits 'listening' before returning to the event loop.
        const handle = (server as unknown as { _handle: ListeningHandle })._handle;
        handle.onconnection = (err, conn) => {
          if (err === 0 && conn) this.distribute(req.key, conn, 0);
        };
        const a = server.address() as net.AddressInfo;
        log('balancer.listening', { key: req.key, port: a.port, kind: this.kind });
        resolve(balancerMessage.listenAck(req.key, 0, a));
      });
    });
    return { server, bound, members: [], waiting: [], idleTimer: null };
  }

  private leave(which: (m: Member) => boolean, key: string): void {
    const l = this.listeners.get(key);
    if (!l) return;
    l.members = l.members.filter((m) => !which(m));
    if (l.members.length === 0 && !l.idleTimer) this.closeWhenIdle(key, l);
  }

  /**
   * Every worker gone: while any is restarting the port stays open and connections wait for it (up to
   * NO_WORKER_GRACE_MS each); once none is meant to run (the app is stopped), the port is let go.
   */
  private closeWhenIdle(key: string, l: Listener): void {
    l.idleTimer = setTimeout(() => {
      l.idleTimer = null;
      if (l.members.length > 0) return;
      const restarting = [...this.pool.slots.values()].some(
        (p) => p.status === 'launching' || p.status === 'online',
      );
      if (restarting) return this.closeWhenIdle(key, l);
      this.shut(l);
      this.listeners.delete(key);
    }, NO_WORKER_GRACE_MS);
    l.idleTimer.unref();
  }

  private shut(l: Listener): void {
    if (l.idleTimer) clearTimeout(l.idleTimer);
    for (const w of l.waiting.splice(0)) {
      clearTimeout(w.timer);
      w.conn.close();
    }
    l.server.close();
  }

  private distribute(key: string, conn: RawConnection, tries: number): void {
    const l = this.listeners.get(key);
    if (!l || tries >= MAX_TRIES) {
      conn.close();
      return;
    }
    const target = this.pick(l, conn);
    if (!target) {
      const timer = setTimeout(() => {
        l.waiting = l.waiting.filter((w) => w.conn !== conn);
        conn.close();
      }, NO_WORKER_GRACE_MS);
      timer.unref();
      l.waiting.push({ conn, tries, timer });
      return;
    }
    const id = this.nextId++;
    this.held.set(id, { conn, pid: target.pid, key, tries });
    this.open.set(target.pid, (this.open.get(target.pid) ?? 0) + 1);
    const child = target.proc.handle;
    if (!child?.sendSocket) {
      this.failed(id);
      return;
    }
    child.sendSocket(balancerMessage.conn(key, id), conn, (err) => {
      if (err) this.failed(id);
    });
  }

  private failed(id: number): void {
    const h = this.held.get(id);
    if (!h) return;
    this.held.delete(id);
    this.open.set(h.pid, Math.max(0, (this.open.get(h.pid) ?? 1) - 1));
    this.distribute(h.key, h.conn, h.tries + 1);
  }

  private report(proc: ManagedProcess, r: ConnsReport): void {
    const pid = proc.pid;
    // A worker speaks only for the connections handed to it.
    for (const id of r.taken) {
      const h = this.held.get(id);
      if (!h || h.pid !== pid) continue;
      this.held.delete(id);
      // The worker has its own descriptor now; closing ours does not touch the connection.
      h.conn.close();
    }
    for (const id of r.refused) if (this.held.get(id)?.pid === pid) this.failed(id);
    if (pid !== null && r.closed > 0) this.open.set(pid, Math.max(0, (this.open.get(pid) ?? 0) - r.closed));
  }

  private pick(l: Listener, conn: RawConnection): Member | null {
    const live = l.members.filter((m) => m.proc.pid === m.pid);
    if (live.length === 0) return null;
    if (this.kind === 'least-connections') {
      const start = this.turn++ % live.length;
      let best = live[start]!;
      for (let i = 1; i < live.length; i++) {
        const m = live[(start + i) % live.length]!;
        if ((this.open.get(m.pid) ?? 0) < (this.open.get(best.pid) ?? 0)) best = m;
      }
      return best;
    }
    // ip-hash: a client address maps to an instance (a slot), so it reaches that slot's worker and,
    // after a restart or reload, its replacement; a slot without a listening worker passes to the next.
    const instances = [...new Set([...this.pool.slots.values()].map((p) => p.instance))].sort(
      (a, b) => a - b,
    );
    const peer: { address?: string } = {};
    conn.getpeername(peer);
    const h = hashOf(peer.address ?? '');
    for (let k = 0; k < instances.length; k++) {
      const instance = instances[(h + k) % instances.length];
      const newest = live.filter((m) => m.proc.instance === instance).sort((a, b) => b.seq - a.seq)[0];
      if (newest) return newest;
    }
    return live[h % live.length]!;
  }
}
