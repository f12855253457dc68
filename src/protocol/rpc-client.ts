// The client side of rpc-server.ts: one connection, requests matched to answers by id, pushed events
// (frames with an "event" key) handed to a listener. No call waits forever: each is raced against the
// connection closing and a timeout.
import { connect, type Socket } from 'node:net';
import { ShoalError } from '../errors.js';
import { readFrames, writeFrame } from './framing.js';
import { parseResponse } from './envelope.js';

export class RpcClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    private readonly version: number,
    private readonly peerName: string,
    onEvent: (event: unknown) => void,
    onClose: () => void,
  ) {
    readFrames(
      socket,
      (frame) => {
        if (typeof frame === 'object' && frame !== null && 'event' in frame) onEvent(frame);
        else this.onResponse(frame);
      },
      (err) =>
        this.failAll(
          new ShoalError('SHOAL_ERR_PROTOCOL_INVALID', `${peerName} sent an invalid message: ${err.message}`),
        ),
    );
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      this.failAll(
        new ShoalError('SHOAL_ERR_DAEMON_UNREACHABLE', `${peerName} closed the connection before answering.`),
      );
      onClose();
    });
  }

  static connect(
    path: string,
    opts: { version: number; peerName: string; onEvent?: (e: unknown) => void; onClose?: () => void },
  ): Promise<RpcClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(path);
      socket.once('connect', () => {
        socket.removeAllListeners('error');
        resolve(
          new RpcClient(
            socket,
            opts.version,
            opts.peerName,
            opts.onEvent ?? (() => {}),
            opts.onClose ?? (() => {}),
          ),
        );
      });
      socket.once('error', (err) => reject(err));
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  request<R>(type: string, payload: object, timeoutMs: number): Promise<R> {
    if (this.closed) {
      return Promise.reject(
        new ShoalError('SHOAL_ERR_DAEMON_UNREACHABLE', `${this.peerName} is not connected.`),
      );
    }
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new ShoalError(
            'SHOAL_ERR_TIMEOUT',
            `${this.peerName} did not answer "${type}" within ${Math.round(timeoutMs / 1000)} s.`,
          ),
        );
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as R);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      // The envelope goes last so that no payload field can ever overwrite it.
      writeFrame(this.socket, { ...payload, v: this.version, id, type });
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onResponse(frame: unknown): void {
    const msg = parseResponse(frame);
    if (!msg) return;
    const waiter = this.pending.get(msg.id);
    if (!waiter) return;
    this.pending.delete(msg.id);
    if (msg.ok) waiter.resolve(msg.result);
    else waiter.reject(ShoalError.from(msg.error));
  }

  private failAll(err: Error): void {
    for (const w of this.pending.values()) w.reject(err);
    this.pending.clear();
  }
}
