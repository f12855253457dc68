// The daemon's control socket: a Unix socket in SHOAL_HOME, private to the user, speaking the versioned
// protocol of protocol/messages.ts. Garbage gets an error answer, never a crash.
import type { Server } from 'node:net';
import { RequestSchemas, type RequestType } from '../protocol/messages.js';
import { serveRpc } from '../protocol/rpc-server.js';
import { PROTOCOL_VERSION } from '../protocol/version.js';
import { log } from './daemon-log.js';

export type Handler = (type: RequestType, payload: unknown) => Promise<unknown> | unknown;

export function startControlServer(socketPath: string, handle: Handler): Promise<Server> {
  return serveRpc({
    socketPath,
    version: PROTOCOL_VERSION,
    schemas: RequestSchemas,
    handle: (type, payload) => handle(type, payload),
    onProblem: (event, fields) => log(`control.${event}`, fields),
  });
}
