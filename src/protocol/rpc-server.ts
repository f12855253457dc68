// A request/response endpoint on a private Unix socket: newline-delimited JSON, a versioned envelope
// ({ v, id, type, ...payload } in, { v, id, ok, result | error } out) and a schema per request type.
// Used by the daemon's control socket and by each cluster primary. Bad input gets an error answer.
import { chmodSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { z } from 'zod';
import { ShoalError, toShoalError } from '../errors.js';
import { readFrames, writeFrame } from './framing.js';

export interface RpcServerOptions<S extends Record<string, z.ZodType>> {
  socketPath: string;
  version: number;
  schemas: S;
  handle: (type: keyof S & string, payload: unknown, socket: Socket) => unknown;
  onConnection?: (socket: Socket) => void;
  onProblem?: (event: string, fields: Record<string, unknown>) => void;
}

export function serveRpc<S extends Record<string, z.ZodType>>(opts: RpcServerOptions<S>): Promise<Server> {
  const server = createServer((socket) => {
    socket.on('error', () => {});
    opts.onConnection?.(socket);
    readFrames(
      socket,
      (frame) => void answer(socket, frame, opts),
      (err) => {
        opts.onProblem?.('rpc.garbage', { message: err.message });
        writeFrame(socket, {
          v: opts.version,
          id: -1,
          ok: false,
          error: { code: 'SHOAL_ERR_PROTOCOL_INVALID', message: `Invalid message: ${err.message}` },
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

async function answer<S extends Record<string, z.ZodType>>(
  socket: Socket,
  frame: unknown,
  opts: RpcServerOptions<S>,
): Promise<void> {
  const env = frame as { v?: unknown; id?: unknown; type?: unknown } | null;
  const id = typeof env?.id === 'number' && Number.isInteger(env.id) ? env.id : -1;
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
    if (env.v !== opts.version) {
      throw new ShoalError(
        'SHOAL_ERR_PROTOCOL_VERSION',
        `This end speaks protocol ${opts.version}, the client ${env.v}.`,
        {
          daemon_protocol: opts.version,
          client_protocol: env.v,
        },
      );
    }
    const type = env.type;
    if (!Object.hasOwn(opts.schemas, type)) {
      throw new ShoalError('SHOAL_ERR_PROTOCOL_INVALID', `Unknown request type "${type}".`, { type });
    }
    const { v: _v, id: _id, type: _t, ...payload } = frame as Record<string, unknown>;
    const parsed = opts.schemas[type]!.safeParse(payload);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new ShoalError(
        'SHOAL_ERR_PROTOCOL_INVALID',
        `Invalid "${type}" request: ${first?.path.join('.') || '(root)'}: ${first?.message ?? 'invalid'}`,
        { type },
      );
    }
    const result = await opts.handle(type, parsed.data, socket);
    writeFrame(socket, { v: opts.version, id, ok: true, result });
  } catch (err) {
    const e = toShoalError(err);
    if (e.code === 'SHOAL_ERR_INTERNAL') {
      opts.onProblem?.('rpc.internal_error', { message: e.message, stack: (err as Error).stack });
    }
    writeFrame(socket, { v: opts.version, id, ok: false, error: e.toJSON() });
  }
}
