// The app's half of a health probe (supervision/health-probe.ts): a socket handed over with a
// "shoal:probe" message is served by the app's own HTTP server, as if a client had connected to it.
import type net from 'node:net';
import { probePort } from '../protocol/app-messages.js';
import { servers } from './server-tracker.js';

function serverFor(port: number | null): net.Server | undefined {
  const listening = [...servers].filter((s) => s.listening);
  if (port === null) return listening[0];
  return listening.find((s) => {
    const addr = s.address();
    return typeof addr === 'object' && addr !== null && addr.port === port;
  });
}

export function installProbeLink(): void {
  if (typeof process.send !== 'function') return;
  process.on('message', (message: unknown, handle: unknown) => {
    const port = probePort(message);
    if (port === undefined || !handle) return;
    const socket = handle as net.Socket;
    const server = serverFor(port);
    if (server) server.emit('connection', socket);
    else socket.destroy();
  });
}
