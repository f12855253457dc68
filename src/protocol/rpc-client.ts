// The client side of rpc-server.ts for one channel: one connection, requests matched to answers by id,
// every result checked against the channel's schema before anyone sees it, pushed events (frames with an
// "event" key) handed to a listener. No call waits forever: each is raced against the connection closing
// and a timeout, and every error names the peer that failed.
import { connect, type Socket } from 'node:net';
import { type ErrorCode, ShoalError } from '../errors.js';
import type { Channel, RequestPayload, RequestType, Result } from './channel.js';
import { parseResponse } from './envelope.js';
import { readFrames, writeFrame } from './framing.js';
import { safeParse } from './zod-mini.js';

export interface RpcClientOptions<C extends Channel> {
  channel: C;
  /** How errors name the other side: "the daemon", "the primary of api". */
  peerName: string;
  onEvent?: (event: unknown) => void;
  onClose?: () => void;
  /** Bound on connecting (a socket whose owner is stuck may never accept). */
  connectTimeoutMs?: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

export class RpcClient<C extends Channel> {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private closed = false;
  private readonly unreachable: ErrorCode;

  private constructor(
    private readonly socket: Socket,
    private readonly opts: RpcClientOptions<C>,
  ) {
    this.unreachable = opts.channel.unreachable;
    const onEvent = opts.onEvent ?? (() => {});
    readFrames(
      socket,
      (frame) => {
        if (typeof frame === 'object' && frame !== null && 'event' in frame) onEvent(frame);
        else this.onResponse(frame);
      },
      (err) =>
        this.failAll(this.error('SHOAL_ERR_PROTOCOL_INVALID', `sent an invalid message: ${err.message}`)),
    );
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      this.failAll(this.error(this.unreachable, 'closed the connection before answering.'));
      opts.onClose?.();
    });
  }

  static connect<C extends Channel>(path: string, opts: RpcClientOptions<C>): Promise<RpcClient<C>> {
    return new Promise((resolve, reject) => {
      const socket = connect(path);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(
          new ShoalError(
            opts.channel.unreachable,
            `${capitalized(opts.peerName)} did not accept a connection.`,
            {
              peer: opts.peerName,
              socket: path,
            },
          ),
        );
      }, opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new RpcClient(socket, opts));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  request<T extends RequestType<C>>(
    type: T,
    payload: RequestPayload<C, T>,
    timeoutMs: number,
  ): Promise<Result<C, T>> {
    if (this.closed) return Promise.reject(this.error(this.unreachable, 'is not connected.'));
    const id = this.nextId++;
    const schema = this.opts.channel.requests[type]!.result;
    return new Promise<Result<C, T>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          this.error(
            'SHOAL_ERR_TIMEOUT',
            `did not answer "${type}" within ${Math.round(timeoutMs / 1000)} s.`,
          ),
        );
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (raw) => {
          clearTimeout(timer);
          const checked = safeParse(schema, raw);
          if (checked.success) resolve(checked.data as Result<C, T>);
          else {
            const issue = checked.error.issues[0];
            reject(
              this.error(
                'SHOAL_ERR_PROTOCOL_INVALID',
                `answered "${type}" with a result that does not match the protocol (${issue?.path.join('.') || 'result'}: ${issue?.message ?? 'invalid'}).`,
              ),
            );
          }
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      // The envelope goes last so that no payload field can ever overwrite it.
      writeFrame(this.socket, { ...(payload as object), v: this.opts.channel.version, id, type });
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private error(code: ErrorCode, what: string): ShoalError {
    return new ShoalError(code, `${capitalized(this.opts.peerName)} ${what}`, { peer: this.opts.peerName });
  }

  private onResponse(frame: unknown): void {
    const msg = parseResponse(frame);
    if (!msg) return;
    // An error about a message the other side could not read (too long, not JSON) carries no request id.
    if (msg.id === -1 && !msg.ok) {
      const code = ShoalError.from(msg.error).code;
      this.failAll(this.error(code, `could not read a request: ${msg.error.message}`));
      return;
    }
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

function capitalized(s: string): string {
  return s.length > 0 ? s[0]!.toUpperCase() + s.slice(1) : s;
}
