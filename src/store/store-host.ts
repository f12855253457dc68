// The embedded shared store of one app, hosted by the app's supervisor process (the cluster primary, or
// the daemon for a fork-mode app) and reached by its processes over their IPC channel. It has no
// cluster imports: whoever hosts it hands it each incoming message with the peer it came from.
//
// Atomicity comes from the host being single-threaded: each request is applied to the in-memory engine
// in one synchronous step and answered after it, so an acknowledged write is in the host's memory
// whatever happens to the worker afterwards. Writes survive a host restart only as far as the last
// snapshot (periodic while dirty, and on close); see docs/runtime.md.
import { type ErrorCode, toShoalError } from '../errors.js';
import {
  isStoreMessage,
  STORE_PROTOCOL_VERSION,
  type StorePublication,
  type StoreRequest,
  StoreRequestSchema,
  type StoreResponse,
} from '../protocol/store-messages.js';
import { MemoryStore } from './memory-store.js';
import { readSnapshot, writeSnapshot } from './store-snapshot.js';

export interface StorePeer {
  readonly id: number;
  send(message: unknown): void;
}

export interface StoreHostOptions {
  /** Where to keep the store between runs (SHOAL_HOME/state/<app>.store.json); null or absent: memory only. */
  snapshotFile?: string | null;
  /** How often a dirty store is written to the snapshot file. */
  snapshotIntervalMs?: number;
  /** How often expired keys are removed (they are also dropped lazily when read). */
  sweepIntervalMs?: number;
  now?: () => number;
  log?: (event: string, fields: Record<string, unknown>) => void;
}

type OkResponse = Extract<StoreResponse, { ok: true }>;
type OkValue = OkResponse['value'];

const DEFAULT_SNAPSHOT_INTERVAL_MS = 5_000;
const DEFAULT_SWEEP_INTERVAL_MS = 1_000;

export class StoreHost {
  private readonly store: MemoryStore;
  private readonly now: () => number;
  private readonly log: (event: string, fields: Record<string, unknown>) => void;
  private readonly snapshotFile: string | null;
  /** channel -> subscribed peers; a peer subscribes once per channel whatever its local handler count. */
  private readonly channels = new Map<string, Map<number, StorePeer>>();
  private readonly peerChannels = new Map<number, Set<string>>();
  private readonly timers: NodeJS.Timeout[] = [];
  private savedVersion = 0;
  private saving: Promise<void> | null = null;
  private closed = false;

  constructor(opts: StoreHostOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? (() => {});
    this.store = new MemoryStore(this.now);
    this.snapshotFile = opts.snapshotFile ?? null;
    if (this.snapshotFile) {
      this.load(this.snapshotFile);
      const every = opts.snapshotIntervalMs ?? DEFAULT_SNAPSHOT_INTERVAL_MS;
      if (every > 0) this.timers.push(setInterval(() => void this.save(), every));
    }
    const sweepEvery = opts.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
    if (sweepEvery > 0) this.timers.push(setInterval(() => this.store.sweep(), sweepEvery));
    // The host lives as long as its supervisor wants, never longer because of its own timers.
    for (const t of this.timers) t.unref();
  }

  /** Returns true when the message was a store message (handled), false otherwise. Never throws on bad input: replies with an error. */
  handle(peer: StorePeer, message: unknown): boolean {
    if (!isStoreMessage(message)) return false;
    const id = requestIdOf(message);
    if (message.type !== 'shoal:store:req') {
      this.fail(
        peer,
        id,
        'SHOAL_ERR_PROTOCOL_INVALID',
        `The store host accepts requests only, got "${message.type}".`,
      );
      return true;
    }
    const v = (message as { v?: unknown }).v;
    if (v !== STORE_PROTOCOL_VERSION) {
      this.fail(
        peer,
        id,
        'SHOAL_ERR_PROTOCOL_VERSION',
        `Store protocol version ${String(v)} is not supported (host speaks ${STORE_PROTOCOL_VERSION}); the app and Shoal come from different versions: restart the app after upgrading.`,
      );
      return true;
    }
    if (this.closed) {
      this.fail(peer, id, 'SHOAL_ERR_STORE_UNAVAILABLE', 'The store host is shutting down.');
      return true;
    }
    const parsed = StoreRequestSchema.safeParse(message);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
      this.fail(
        peer,
        id,
        'SHOAL_ERR_PROTOCOL_INVALID',
        `Invalid store request: ${where}${issue?.message ?? 'rejected'}.`,
      );
      return true;
    }
    let value: OkResponse;
    try {
      value = this.ok(parsed.data.id, this.execute(peer, parsed.data));
    } catch (err) {
      const e = toShoalError(err);
      this.fail(peer, id, e.code, e.message);
      return true;
    }
    sendQuietly(peer, value);
    return true;
  }

  /** A worker left: drop its subscriptions. */
  removePeer(peerId: number): void {
    const channels = this.peerChannels.get(peerId);
    if (!channels) return;
    for (const channel of channels) this.unsubscribe(peerId, channel);
    this.peerChannels.delete(peerId);
  }

  /** Figures for describe and logs. */
  stats(): { keys: number; channels: number; peers: number } {
    return { keys: this.store.size, channels: this.channels.size, peers: this.peerChannels.size };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    this.channels.clear();
    this.peerChannels.clear();
    await this.save();
  }

  private execute(peer: StorePeer, req: StoreRequest): OkValue {
    const s = this.store;
    switch (req.op) {
      case 'get':
        return s.get(req.key);
      case 'set':
        s.set(req.key, req.value, req.ttl);
        return true;
      case 'del':
        return s.del(req.key);
      case 'incr':
        return s.incr(req.key, req.by, req.ttl);
      case 'cas':
        return s.cas(req.key, req.expected, req.next, req.ttl);
      case 'expire':
        return s.expire(req.key, req.ttl);
      case 'keys':
        return s.keys(req.prefix);
      case 'publish':
        return this.publish(req.channel, req.message);
      case 'subscribe':
        this.subscribe(peer, req.channel);
        return true;
      case 'unsubscribe':
        this.unsubscribe(peer.id, req.channel);
        return true;
    }
  }

  private publish(channel: string, message: string): number {
    const peers = this.channels.get(channel);
    if (!peers) return 0;
    const pub: StorePublication = { type: 'shoal:store:pub', v: STORE_PROTOCOL_VERSION, channel, message };
    let delivered = 0;
    for (const peer of [...peers.values()]) {
      try {
        peer.send(pub);
        delivered++;
      } catch {
        // Its channel is gone: the worker died without anyone calling removePeer yet.
        this.removePeer(peer.id);
      }
    }
    return delivered;
  }

  private subscribe(peer: StorePeer, channel: string): void {
    let peers = this.channels.get(channel);
    if (!peers) {
      peers = new Map();
      this.channels.set(channel, peers);
    }
    peers.set(peer.id, peer);
    let mine = this.peerChannels.get(peer.id);
    if (!mine) {
      mine = new Set();
      this.peerChannels.set(peer.id, mine);
    }
    mine.add(channel);
  }

  private unsubscribe(peerId: number, channel: string): void {
    const peers = this.channels.get(channel);
    peers?.delete(peerId);
    if (peers?.size === 0) this.channels.delete(channel);
    const mine = this.peerChannels.get(peerId);
    mine?.delete(channel);
    if (mine?.size === 0) this.peerChannels.delete(peerId);
  }

  private ok(id: number, value: OkValue): OkResponse {
    return { type: 'shoal:store:res', v: STORE_PROTOCOL_VERSION, id, ok: true, value };
  }

  private fail(peer: StorePeer, id: number | null, code: ErrorCode, message: string): void {
    const res: StoreResponse = {
      type: 'shoal:store:res',
      v: STORE_PROTOCOL_VERSION,
      id,
      ok: false,
      error: { code, message },
    };
    sendQuietly(peer, res);
  }

  private load(file: string): void {
    const read = readSnapshot(file, this.now());
    if (read.kind === 'loaded') {
      const loaded = this.store.restore(read.entries);
      this.savedVersion = this.store.version;
      this.log('store.snapshot_loaded', { file, keys: loaded, saved_at: read.savedAt });
    } else if (read.kind === 'corrupt') {
      this.log('store.snapshot_corrupt', { file, reason: read.reason, moved_to: read.movedTo });
    }
  }

  /** Writes the snapshot if anything changed since the last one; one write at a time. */
  private async save(): Promise<void> {
    if (!this.snapshotFile) return;
    while (this.saving) await this.saving;
    const version = this.store.version;
    if (version === this.savedVersion) return;
    const file = this.snapshotFile;
    this.saving = writeSnapshot(file, this.store.snapshot(), this.now())
      .then(() => {
        this.savedVersion = version;
      })
      .catch((err: Error) => this.log('store.snapshot_failed', { file, message: err.message }))
      .finally(() => {
        this.saving = null;
      });
    await this.saving;
  }
}

function requestIdOf(message: unknown): number | null {
  const id = (message as { id?: unknown }).id;
  return typeof id === 'number' && Number.isInteger(id) && id >= 0 ? id : null;
}

/** A reply to a worker that just died cannot be delivered and need not be: its caller is gone too. */
function sendQuietly(peer: StorePeer, message: StoreResponse): void {
  try {
    peer.send(message);
  } catch {
    // the peer's channel closed
  }
}
