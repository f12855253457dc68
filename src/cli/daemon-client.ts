// The CLI's only way to the daemon: connect to the control socket, check versions, send typed requests.
// No call waits forever: each one races the daemon's answer against the socket closing and a timeout.
import { connect, type Socket } from 'node:net';
import { ensureHome, type HomePaths } from '../home.js';
import { ShoalError } from '../errors.js';
import { readFrames, writeFrame } from '../protocol/framing.js';
import { type RequestPayload, type RequestType, ResponseSchema, type Result } from '../protocol/messages.js';
import { PROTOCOL_VERSION, packageVersion } from '../protocol/version.js';
import { clearStaleDaemon, launchDaemon } from './daemon-launch.js';

const DEFAULT_TIMEOUT_MS = 120_000;

export class DaemonClient {
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  daemonVersion = '';
  daemonPid = 0;

  private constructor(private readonly socket: Socket) {
    readFrames(
      socket,
      (frame) => this.onFrame(frame),
      (err) =>
        this.failAll(
          new ShoalError('SHOAL_ERR_PROTOCOL_INVALID', `The daemon sent an invalid message: ${err.message}`),
        ),
    );
    socket.on('close', () =>
      this.failAll(
        new ShoalError('SHOAL_ERR_DAEMON_UNREACHABLE', 'The daemon closed the connection before answering.'),
      ),
    );
    socket.on('error', () => {});
  }

  /** Connects to a running daemon; with autoStart, starts one first when none answers. */
  static async connect(paths: HomePaths, opts: { autoStart: boolean }): Promise<DaemonClient> {
    let socket = await tryConnect(paths.socket);
    if (!socket) {
      if (!opts.autoStart) {
        throw new ShoalError(
          'SHOAL_ERR_DAEMON_UNREACHABLE',
          `No Shoal daemon is running for ${paths.root}.`,
          { home: paths.root },
        );
      }
      ensureHome(paths);
      clearStaleDaemon(paths);
      await launchDaemon(paths);
      socket = await tryConnect(paths.socket);
      if (!socket)
        throw new ShoalError(
          'SHOAL_ERR_DAEMON_UNREACHABLE',
          `The daemon started but its socket ${paths.socket} does not answer.`,
        );
    }
    const client = new DaemonClient(socket);
    await client.hello();
    return client;
  }

  private async hello(): Promise<void> {
    let res: Result<'hello'>;
    try {
      res = await this.request(
        'hello',
        { client_version: packageVersion(), client_protocol: PROTOCOL_VERSION },
        10_000,
      );
    } catch (err) {
      if (err instanceof ShoalError && err.code === 'SHOAL_ERR_PROTOCOL_VERSION') {
        throw new ShoalError(
          'SHOAL_ERR_PROTOCOL_VERSION',
          `The running daemon speaks protocol ${String(err.details.daemon_protocol)}, this CLI (shoal ${packageVersion()}) speaks ${PROTOCOL_VERSION}. Run "shoal update" to replace the daemon, or "shoal kill" to stop it.`,
          err.details,
        );
      }
      throw err;
    }
    this.daemonVersion = res.version;
    this.daemonPid = res.pid;
  }

  request<T extends RequestType>(
    type: T,
    payload: RequestPayload<T>,
    timeoutMs = DEFAULT_TIMEOUT_MS,
  ): Promise<Result<T>> {
    const id = this.nextId++;
    return new Promise<Result<T>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new ShoalError(
            'SHOAL_ERR_TIMEOUT',
            `The daemon did not answer "${type}" within ${timeoutMs / 1000} s.`,
          ),
        );
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as Result<T>);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      writeFrame(this.socket, { v: PROTOCOL_VERSION, id, type, ...payload });
    });
  }

  close(): void {
    this.socket.end();
    this.socket.destroy();
  }

  private onFrame(frame: unknown): void {
    const parsed = ResponseSchema.safeParse(frame);
    if (!parsed.success) {
      this.failAll(
        new ShoalError(
          'SHOAL_ERR_PROTOCOL_INVALID',
          'The daemon sent a message this CLI does not understand. Is it another version? Run "shoal update".',
        ),
      );
      return;
    }
    const msg = parsed.data;
    const waiter =
      this.pending.get(msg.id) ?? (msg.id === -1 ? this.pending.values().next().value : undefined);
    if (!waiter) return;
    this.pending.delete(msg.id === -1 ? [...this.pending.keys()][0]! : msg.id);
    if (msg.ok) waiter.resolve(msg.result);
    else waiter.reject(ShoalError.from(msg.error));
  }

  private failAll(err: Error): void {
    for (const w of this.pending.values()) w.reject(err);
    this.pending.clear();
  }
}

function tryConnect(path: string): Promise<Socket | null> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', () => resolve(null));
  });
}
