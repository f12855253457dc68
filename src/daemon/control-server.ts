// The daemon's control socket: a Unix socket in SHOAL_HOME, private to the user, speaking the versioned
// newline-delimited JSON protocol. Every message is validated; garbage gets an error answer (or the
// connection is closed), never a crash.
import { chmodSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { toShoalError, ShoalError } from '../errors.js';
import { readFrames, writeFrame } from '../protocol/framing.js';
import { EnvelopeSchema, isRequestType, RequestSchemas, type RequestType } from '../protocol/messages.js';
import { PROTOCOL_VERSION } from '../protocol/version.js';
import { log } from './daemon-log.js';

export type Handler = (type: RequestType, payload: unknown) => Promise<unknown> | unknown;

export function startControlServer(socketPath: string, handle: Handler): Promise<Server> {
  const server = createServer((socket) => serveConnection(socket, handle));
  rmSync(socketPath, { force: true });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // The umask makes the socket 0600 from the moment it exists; chmod again in case the platform ignores it.
    const oldMask = process.umask(0o177);
    server.listen(socketPath, () => {
      process.umask(oldMask);
      chmodSync(socketPath, 0o600);
      server.off('error', reject);
      server.on('error', (err) => log('control.error', { message: err.message }));
      resolve(server);
    });
  });
}

function serveConnection(socket: Socket, handle: Handler): void {
  socket.on('error', () => {});
  readFrames(
    socket,
    (frame) => void answer(socket, frame, handle),
    (err) => {
      log('control.garbage', { message: err.message });
      writeFrame(socket, {
        v: PROTOCOL_VERSION,
        id: -1,
        ok: false,
        error: { code: 'SHOAL_ERR_PROTOCOL_INVALID', message: `Invalid message: ${err.message}` },
      });
    },
  );
}

async function answer(socket: Socket, frame: unknown, handle: Handler): Promise<void> {
  const envelope = EnvelopeSchema.safeParse(frame);
  const id = envelope.success ? envelope.data.id : -1;
  try {
    if (!envelope.success) {
      throw new ShoalError('SHOAL_ERR_PROTOCOL_INVALID', 'Invalid message: expected { v, id, type }.');
    }
    const { v, type } = envelope.data;
    if (v !== PROTOCOL_VERSION) {
      throw new ShoalError(
        'SHOAL_ERR_PROTOCOL_VERSION',
        `The daemon speaks protocol ${PROTOCOL_VERSION}, the client ${v}.`,
        { daemon_protocol: PROTOCOL_VERSION, client_protocol: v },
      );
    }
    if (!isRequestType(type)) {
      throw new ShoalError('SHOAL_ERR_PROTOCOL_INVALID', `Unknown request type "${type}".`, { type });
    }
    const { v: _v, id: _id, type: _t, ...payload } = frame as Record<string, unknown>;
    const parsed = RequestSchemas[type].safeParse(payload);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new ShoalError(
        'SHOAL_ERR_PROTOCOL_INVALID',
        `Invalid "${type}" request: ${first?.path.join('.') || '(root)'}: ${first?.message ?? 'invalid'}`,
        { type },
      );
    }
    const result = await handle(type, parsed.data);
    writeFrame(socket, { v: PROTOCOL_VERSION, id, ok: true, result });
  } catch (err) {
    const e = toShoalError(err);
    if (e.code === 'SHOAL_ERR_INTERNAL')
      log('control.internal_error', { message: e.message, stack: (err as Error).stack });
    writeFrame(socket, { v: PROTOCOL_VERSION, id, ok: false, error: e.toJSON() });
  }
}
