// The daemon's control socket: a Unix socket in SHOAL_HOME, private to the user, speaking the control
// channel (protocol/control-channel.ts). Garbage gets an error answer, never a crash.
import type { Server } from 'node:net';
import type { Handlers } from '../protocol/channel.js';
import { ControlChannel } from '../protocol/control-channel.js';
import { serveRpc } from '../protocol/rpc-server.js';
import { log } from './daemon-log.js';

export function startControlServer(
  socketPath: string,
  handlers: Handlers<ControlChannel, unknown>,
): Promise<Server> {
  return serveRpc({
    socketPath,
    channel: ControlChannel,
    handlers,
    onProblem: (event, fields) => log(`control.${event}`, fields),
    limits: {
      maxConnections: 256,
      idleTimeoutMs: idleTimeoutMs(process.env.SHOAL_CONTROL_IDLE_TIMEOUT_MS),
      maxInFlight: 64,
    },
  });
}

/** 60 s unless SHOAL_CONTROL_IDLE_TIMEOUT_MS says otherwise (a whole number of ms from 100 on). */
function idleTimeoutMs(value: string | undefined): number {
  const n = Number(value);
  return value !== undefined && /^\d+$/.test(value) && n >= 100 && n <= 2 ** 31 - 1 ? n : 60_000;
}
