// A store peer as the StoreHost sees a worker, without a process: messages go through a JSON round trip,
// as they do over IPC, and land in an inbox the test reads.
import type {
  StoreBatchResponse,
  StorePublication,
  StoreResponse,
} from '../../src/protocol/store-messages.js';

export class FakePeer {
  readonly inbox: unknown[] = [];
  /** Set to make send throw, like a send on a channel that closed. */
  dead = false;
  constructor(readonly id: number) {}
  send(message: unknown): void {
    if (this.dead) throw new Error('channel closed');
    this.inbox.push(JSON.parse(JSON.stringify(message)));
  }
  responses(): StoreResponse[] {
    return this.inbox.filter((m) => (m as { type: string }).type === 'shoal:store:res') as StoreResponse[];
  }
  batchResponses(): StoreBatchResponse[] {
    return this.inbox.filter(
      (m) => (m as { type: string }).type === 'shoal:store:batch-res',
    ) as StoreBatchResponse[];
  }
  publications(): StorePublication[] {
    return this.inbox.filter((m) => (m as { type: string }).type === 'shoal:store:pub') as StorePublication[];
  }
}
