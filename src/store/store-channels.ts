// The embedded store's pub/sub registry: which peer (worker) subscribed to which channel, and the
// fan-out of a publication to them. Kept apart from the host so the host reads as request handling only.
import type { StorePublication } from '../protocol/store-messages.js';
import { STORE_PROTOCOL_VERSION } from '../protocol/store-wire.js';

export interface StorePeer {
  readonly id: number;
  send(message: unknown): void;
}

export class StoreChannels {
  /** channel -> subscribed peers; a peer subscribes once per channel whatever its local handler count. */
  private readonly channels = new Map<string, Map<number, StorePeer>>();
  private readonly peerChannels = new Map<number, Set<string>>();

  get channelCount(): number {
    return this.channels.size;
  }

  get peerCount(): number {
    return this.peerChannels.size;
  }

  /** Sends the message to every subscriber of the channel; returns how many it reached. */
  publish(channel: string, message: string): number {
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

  subscribe(peer: StorePeer, channel: string): void {
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

  unsubscribe(peerId: number, channel: string): void {
    const peers = this.channels.get(channel);
    peers?.delete(peerId);
    if (peers?.size === 0) this.channels.delete(channel);
    const mine = this.peerChannels.get(peerId);
    mine?.delete(channel);
    if (mine?.size === 0) this.peerChannels.delete(peerId);
  }

  /** A worker left: drop its subscriptions. */
  removePeer(peerId: number): void {
    const channels = this.peerChannels.get(peerId);
    if (!channels) return;
    for (const channel of channels) this.unsubscribe(peerId, channel);
    this.peerChannels.delete(peerId);
  }

  clear(): void {
    this.channels.clear();
    this.peerChannels.clear();
  }
}
