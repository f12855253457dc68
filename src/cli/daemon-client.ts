// The CLI's only way to the daemon: connect to the control socket (starting the daemon when asked),
// check versions, send typed requests. Every call is bounded (see protocol/rpc-client.ts).
import { ShoalError } from '../errors.js';
import { ensureHome, type HomePaths } from '../home.js';
import type { RequestPayload, RequestType, Result } from '../protocol/channel.js';
import { CONTROL_PROTOCOL_VERSION, ControlChannel } from '../protocol/control-channel.js';
import { RpcClient } from '../protocol/rpc-client.js';
import { packageVersion } from '../protocol/version.js';
import { launchDaemon } from './daemon-launch.js';

const DEFAULT_TIMEOUT_MS = 120_000;
const PEER = 'the daemon';

type Control = RpcClient<ControlChannel>;
type Type = RequestType<ControlChannel>;
const DAEMON_SOCKET_WAIT_MS = 15_000;

function tryConnect(path: string): Promise<Control | null> {
  return RpcClient.connect(path, { channel: ControlChannel, peerName: PEER }).catch(() => null);
}

/** Connects as soon as a daemon listens on path, trying until timeoutMs has passed. */
async function connectWithin(path: string, timeoutMs: number): Promise<Control | null> {
  const deadline = Date.now() + timeoutMs;
  let rpc = await tryConnect(path);
  while (!rpc && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    rpc = await tryConnect(path);
  }
  return rpc;
}

export class DaemonClient {
  daemonVersion = '';
  daemonPid = 0;

  private constructor(private readonly rpc: Control) {}

  /** Connects to a running daemon; with autoStart, starts one first when none answers. */
  static async connect(paths: HomePaths, opts: { autoStart: boolean }): Promise<DaemonClient> {
    let rpc = await tryConnect(paths.socket);
    if (!rpc) {
      if (!opts.autoStart) {
        throw new ShoalError(
          'SHOAL_ERR_DAEMON_UNREACHABLE',
          `No Shoal daemon is running for ${paths.root}.`,
          {
            home: paths.root,
          },
        );
      }
      ensureHome(paths);
      await launchDaemon(paths);
      // Ours is up, or another daemon for this home (started at the same moment) is: wait for its socket.
      rpc = await connectWithin(paths.socket, DAEMON_SOCKET_WAIT_MS);
      if (!rpc) {
        throw new ShoalError(
          'SHOAL_ERR_DAEMON_UNREACHABLE',
          `The daemon started but its socket ${paths.socket} does not answer.`,
        );
      }
    }
    const client = new DaemonClient(rpc);
    await client.hello();
    return client;
  }

  /** Waits up to timeoutMs for a daemon started by someone else (systemd, another CLI) to answer. */
  static async waitUntilServing(paths: HomePaths, timeoutMs: number): Promise<boolean> {
    const rpc = await connectWithin(paths.socket, timeoutMs);
    rpc?.close();
    return rpc !== null;
  }

  private async hello(): Promise<void> {
    let res: Result<ControlChannel, 'hello'>;
    try {
      res = await this.request(
        'hello',
        { client_version: packageVersion(), client_protocol: CONTROL_PROTOCOL_VERSION },
        10_000,
      );
    } catch (err) {
      if (err instanceof ShoalError && err.code === 'SHOAL_ERR_PROTOCOL_VERSION') {
        throw new ShoalError(
          'SHOAL_ERR_PROTOCOL_VERSION',
          `The running daemon speaks protocol ${String(err.details.daemon_protocol)}, this CLI (shoal ${packageVersion()}) speaks ${CONTROL_PROTOCOL_VERSION}. Run "shoal update" to replace the daemon, or "shoal kill" to stop it.`,
          err.details,
        );
      }
      throw err;
    }
    this.daemonVersion = res.version;
    this.daemonPid = res.pid;
  }

  request<T extends Type>(
    type: T,
    payload: RequestPayload<ControlChannel, T>,
    timeoutMs = DEFAULT_TIMEOUT_MS,
  ): Promise<Result<ControlChannel, T>> {
    return this.rpc.request(type, payload, timeoutMs);
  }

  close(): void {
    this.rpc.close();
  }
}
