// The embedded shared store of one app, hosted by the app's supervisor process (the cluster primary, or
// the daemon for a fork-mode app) and reached by its processes over their IPC channel. It has no
// cluster imports: whoever hosts it hands it each incoming message with the peer it came from. Requests
// come one by one or, from this version's clients, as batches (one message per worker per event-loop turn).
//
// Atomicity comes from the host being single-threaded: each request is applied to the in-memory engine
// in one synchronous step and answered after it, so an acknowledged write is in the host's memory
// whatever happens to the worker afterwards. Writes survive a host restart only as far as the last
// snapshot (periodic while dirty, and on close); see docs/runtime.md.
import { type ErrorCode, toShoalError } from '../errors.js';
import { checkStoreCall } from '../protocol/store-call-check.js';
import type {
  StoreBatchResponse,
  StoreBatchResult,
  StoreCall,
  StoreResponse,
} from '../protocol/store-messages.js';
import { isStoreMessage, STORE_LIMITS, STORE_PROTOCOL_VERSION } from '../protocol/store-wire.js';
import { MemoryStore } from './memory-store.js';
import { type StorePeer, StoreChannels } from './store-channels.js';
import { readSnapshot, writeSnapshot } from './store-snapshot.js';

export type { StorePeer } from './store-channels.js';

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

type OkValue = Extract<StoreResponse, { ok: true }>['value'];
/** One call's outcome before it is wrapped as a single answer or put in a batch answer. */
type Outcome = { ok: true; value: OkValue } | { ok: false; error: { code: ErrorCode; message: string } };

const DEFAULT_SNAPSHOT_INTERVAL_MS = 5_000;
const DEFAULT_SWEEP_INTERVAL_MS = 1_000;

export class StoreHost {
  private readonly store: MemoryStore;
  private readonly now: () => number;
  private readonly log: (event: string, fields: Record<string, unknown>) => void;
  private readonly snapshotFile: string | null;
  private readonly channels = new StoreChannels();
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
    const refused = this.refusal(message);
    if (refused) {
      sendQuietly(peer, { type: 'shoal:store:res', v: STORE_PROTOCOL_VERSION, id, ...refused });
      return true;
    }
    if (message.type === 'shoal:store:batch') {
      this.handleBatch(peer, message, id);
      return true;
    }
    const outcome = this.apply(peer, message);
    sendQuietly(peer, { type: 'shoal:store:res', v: STORE_PROTOCOL_VERSION, id, ...outcome });
    return true;
  }

  /** A worker left: drop its subscriptions. */
  removePeer(peerId: number): void {
    this.channels.removePeer(peerId);
  }

  /** Figures for describe and logs. */
  stats(): { keys: number; channels: number; peers: number } {
    return { keys: this.store.size, channels: this.channels.channelCount, peers: this.channels.peerCount };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    this.channels.clear();
    await this.save();
  }

  /** Why a message cannot be taken at all (wrong kind, version, or the host closing); null when it can. */
  private refusal(message: { type: string }): Extract<Outcome, { ok: false }> | null {
    const refuse = (code: ErrorCode, text: string) => ({
      ok: false as const,
      error: { code, message: text },
    });
    if (message.type !== 'shoal:store:req' && message.type !== 'shoal:store:batch') {
      return refuse(
        'SHOAL_ERR_PROTOCOL_INVALID',
        `The store host accepts requests only, got "${message.type}".`,
      );
    }
    const v = (message as { v?: unknown }).v;
    if (v !== STORE_PROTOCOL_VERSION) {
      return refuse(
        'SHOAL_ERR_PROTOCOL_VERSION',
        `Store protocol version ${String(v)} is not supported (host speaks ${STORE_PROTOCOL_VERSION}); the app and Shoal come from different versions: restart the app after upgrading.`,
      );
    }
    if (this.closed) return refuse('SHOAL_ERR_STORE_UNAVAILABLE', 'The store host is shutting down.');
    return null;
  }

  /**
   * Applies a batch's calls in order, each on its own (one that fails fails alone), and answers them all
   * in one message: one IPC write and one wake-up of the worker instead of one per call.
   */
  private handleBatch(peer: StorePeer, message: unknown, id: number | null): void {
    const calls = (message as { calls?: unknown }).calls;
    if (id === null || !Array.isArray(calls) || calls.length > STORE_LIMITS.batchCalls) {
      sendQuietly(peer, {
        type: 'shoal:store:res',
        v: STORE_PROTOCOL_VERSION,
        id,
        ok: false,
        error: {
          code: 'SHOAL_ERR_PROTOCOL_INVALID',
          message: `Invalid store batch: it needs an id and at most ${STORE_LIMITS.batchCalls} calls.`,
        },
      });
      return;
    }
    const results: StoreBatchResult[] = [];
    for (const call of calls) {
      const callId = requestIdOf(call);
      // A call without an id cannot be matched to its caller; the client never sends one.
      if (callId !== null) results.push({ id: callId, ...this.apply(peer, call) });
    }
    const res: StoreBatchResponse = { type: 'shoal:store:batch-res', v: STORE_PROTOCOL_VERSION, id, results };
    sendQuietly(peer, res);
  }

  /**
   * Checks one call (a single request, or a call inside a batch: the same fields) and applies it; an
   * error it throws becomes its coded outcome.
   */
  private apply(peer: StorePeer, raw: unknown): Outcome {
    const checked = checkStoreCall(raw);
    if (!checked.ok) {
      return {
        ok: false,
        error: { code: 'SHOAL_ERR_PROTOCOL_INVALID', message: `Invalid store request: ${checked.problem}.` },
      };
    }
    try {
      return { ok: true, value: this.execute(peer, checked.call) };
    } catch (err) {
      const e = toShoalError(err);
      return { ok: false, error: { code: e.code, message: e.message } };
    }
  }

  private execute(peer: StorePeer, req: StoreCall): OkValue {
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
        return this.channels.publish(req.channel, req.message);
      case 'subscribe':
        this.channels.subscribe(peer, req.channel);
        return true;
      case 'unsubscribe':
        this.channels.unsubscribe(peer.id, req.channel);
        return true;
    }
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
function sendQuietly(peer: StorePeer, message: StoreResponse | StoreBatchResponse): void {
  try {
    peer.send(message);
  } catch {
    // the peer's channel closed
  }
}
