// A request/response endpoint for one channel on a private Unix socket: newline-delimited JSON, a
// versioned envelope ({ v, id, type, ...payload } in, { v, id, ok, result | error } out), every request
// checked against the channel's schema before its handler runs. Used by the daemon's control socket and
// by each cluster primary. Bad input gets a coded error answer, never a crash.
import { chmodSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { ShoalError, toShoalError } from '../errors.js';
import type { Channel, Handlers, RequestType } from './channel.js';
import { LineTooLongError, readFrames, writeFrame } from './framing.js';
import { MAX_NESTING, nestsDeeperThan } from './nesting.js';
import { safeParse } from './zod-mini.js';

export interface RpcServerOptions<C extends Channel> {
  socketPath: string;
  channel: C;
  handlers: Handlers<C, Socket>;
  /** Runs before every handler; throwing refuses the request (e.g. while shutting down). */
  admit?: (type: RequestType<C>) => void;
  onConnection?: (socket: Socket) => void;
  onProblem?: (event: string, fields: Record<string, unknown>) => void;
  /** Bounds for a socket many clients use (the daemon's): a runaway script must not exhaust descriptors. */
  limits?: RpcLimits;
}

export interface RpcLimits {
  /** Connections open at once; one more is answered SHOAL_ERR_BUSY and closed. */
  maxConnections: number;
  /** A connection with no request in flight and no traffic for this long is closed. */
  idleTimeoutMs: number;
  /** Requests one connection may have in flight; one more is answered SHOAL_ERR_BUSY. */
  maxInFlight: number;
}

const inFlight = new WeakMap<Socket, number>();

export function serveRpc<C extends Channel>(opts: RpcServerOptions<C>): Promise<Server> {
  const version = opts.channel.version;
  let open = 0;
  const server = createServer((socket) => {
    socket.on('error', () => {});
    open += 1;
    socket.once('close', () => {
      open -= 1;
    });
    const limits = opts.limits;
    if (limits && open > limits.maxConnections) {
      opts.onProblem?.('rpc.too_many_connections', { open, limit: limits.maxConnections });
      writeFrame(socket, {
        v: version,
        id: -1,
        ok: false,
        error: busy(`${limits.maxConnections} connections are open already; retry when some have closed`),
      });
      socket.end();
      setTimeout(() => socket.destroy(), 1000).unref();
      return;
    }
    if (limits) {
      socket.setTimeout(limits.idleTimeoutMs);
      socket.on('timeout', () => {
        // A connection waiting for a long answer (a start that waits for readiness) is not idle.
        if ((inFlight.get(socket) ?? 0) > 0) socket.setTimeout(limits.idleTimeoutMs);
        else socket.destroy();
      });
    }
    opts.onConnection?.(socket);
    readFrames(
      socket,
      (frame) => void answer(socket, frame, opts),
      (err) => {
        opts.onProblem?.('rpc.garbage', { message: err.message });
        const code =
          err instanceof LineTooLongError ? 'SHOAL_ERR_REQUEST_TOO_LARGE' : 'SHOAL_ERR_PROTOCOL_INVALID';
        // id -1: the request could not be read, so its id is unknown; the client fails what it waits for.
        writeFrame(socket, {
          v: version,
          id: -1,
          ok: false,
          error: { code, message: `Invalid message: ${err.message}` },
        });
      },
    );
  });
  rmSync(opts.socketPath, { force: true });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // The umask makes the socket 0600 from the moment it exists; chmod again in case the platform ignores it.
    const oldMask = process.umask(0o177);
    server.listen(opts.socketPath, () => {
      process.umask(oldMask);
      chmodSync(opts.socketPath, 0o600);
      server.off('error', reject);
      server.on('error', (err) => opts.onProblem?.('rpc.error', { message: err.message }));
      resolve(server);
    });
  });
}

async function answer<C extends Channel>(
  socket: Socket,
  frame: unknown,
  opts: RpcServerOptions<C>,
): Promise<void> {
  const version = opts.channel.version;
  const env = frame as { v?: unknown; id?: unknown; type?: unknown } | null;
  const id = typeof env?.id === 'number' && Number.isInteger(env.id) ? env.id : -1;
  let counted = false;
  try {
    if (
      typeof env !== 'object' ||
      env === null ||
      typeof env.v !== 'number' ||
      id === -1 ||
      typeof env.type !== 'string'
    ) {
      throw new ShoalError('SHOAL_ERR_PROTOCOL_INVALID', 'Invalid message: expected { v, id, type }.');
    }
    if (env.v !== version) {
      throw new ShoalError(
        'SHOAL_ERR_PROTOCOL_VERSION',
        `This end speaks protocol ${version}, the client ${env.v}.`,
        {
          daemon_protocol: version,
          client_protocol: env.v,
        },
      );
    }
    const type = env.type;
    if (nestsDeeperThan(frame)) {
      throw new ShoalError(
        'SHOAL_ERR_PROTOCOL_INVALID',
        `Invalid "${type}" request: nested more than ${MAX_NESTING} levels deep.`,
        { type },
      );
    }
    if (!Object.hasOwn(opts.channel.requests, type)) {
      throw new ShoalError('SHOAL_ERR_PROTOCOL_INVALID', `Unknown request type "${type}".`, { type });
    }
    const { v: _v, id: _id, type: _t, ...payload } = frame as Record<string, unknown>;
    const parsed = safeParse(opts.channel.requests[type]!.request, payload);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new ShoalError(
        'SHOAL_ERR_PROTOCOL_INVALID',
        `Invalid "${type}" request: ${first?.path.join('.') || '(root)'}: ${first?.message ?? 'invalid'}`,
        { type },
      );
    }
    opts.admit?.(type as RequestType<C>);
    const busyWith = inFlight.get(socket) ?? 0;
    if (opts.limits && busyWith >= opts.limits.maxInFlight) {
      throw new ShoalError(
        'SHOAL_ERR_BUSY',
        `${busyWith} requests on this connection are still being answered; wait for them first.`,
      );
    }
    counted = true;
    inFlight.set(socket, busyWith + 1);
    // The channel's types bind each handler to its request; here the type is only known at run time.
    const handler = opts.handlers[type as RequestType<C>] as (req: unknown, socket: Socket) => unknown;
    const result = await handler(parsed.data, socket);
    writeFrame(socket, { v: version, id, ok: true, result });
  } catch (err) {
    const e = toShoalError(err);
    if (e.code === 'SHOAL_ERR_INTERNAL') {
      opts.onProblem?.('rpc.internal_error', { message: e.message, stack: (err as Error).stack });
    }
    writeFrame(socket, { v: version, id, ok: false, error: e.toJSON() });
  } finally {
    if (counted) inFlight.set(socket, (inFlight.get(socket) ?? 1) - 1);
  }
}

const busy = (why: string) => new ShoalError('SHOAL_ERR_BUSY', `The server is busy: ${why}.`).toJSON();
