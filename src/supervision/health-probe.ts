// One HTTP health probe of one process. Workers of a cluster app share their port, so a request sent to
// the port could be answered by any of them; instead the supervisor makes a connected pair of loopback
// sockets, hands one end to the process over IPC (the preload serves it with the app's HTTP server,
// worker/probe-link.ts) and speaks HTTP on the other: the answer comes from that process. A process
// without an IPC channel (not Node) is probed on health_check.port directly.
import net from 'node:net';
import { toApp } from '../protocol/app-messages.js';
import type { ChildHandle } from './child-handle.js';

export interface HealthCheck {
  path: string;
  port: number | null;
  timeout: number;
}

export type ProbeResult = { ok: true } | { ok: false; reason: string };

/** Accepts the far ends of probe connections; made on first use, one per supervisor process. */
let pairServer: Promise<net.Server> | null = null;
/** Far ends by the near end's port: the accept and the connect can each come first. */
const awaitingPeer = new Map<number, (socket: net.Socket) => void>();
const acceptedFirst = new Map<number, net.Socket>();

function loopbackPairServer(): Promise<net.Server> {
  pairServer ??= new Promise((resolve, reject) => {
    const server = net.createServer({ pauseOnConnect: true }, (socket) => {
      const port = socket.remotePort ?? -1;
      const take = awaitingPeer.get(port);
      if (take) take(socket);
      else acceptedFirst.set(port, socket);
    });
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
  return pairServer;
}

/** Two connected sockets: `near` stays here, `far` is handed to the process. */
async function socketPair(): Promise<{ near: net.Socket; far: net.Socket }> {
  const server = await loopbackPairServer();
  const { port } = server.address() as net.AddressInfo;
  const near = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    near.once('connect', resolve);
    near.once('error', reject);
  });
  const key = near.localPort!;
  const early = acceptedFirst.get(key);
  acceptedFirst.delete(key);
  const far = early ?? (await new Promise<net.Socket>((resolve) => awaitingPeer.set(key, resolve)));
  awaitingPeer.delete(key);
  return { near, far };
}

/** The status line's code of an HTTP response read from `socket`, within the probe's timeout. */
function readStatus(socket: net.Socket, check: HealthCheck): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let head = '';
    const done = (result: ProbeResult) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () => done({ ok: false, reason: `no answer within ${check.timeout} ms` }),
      check.timeout,
    );
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      head += chunk;
      const line = head.indexOf('\r\n');
      if (line < 0) return;
      const code = Number(/^HTTP\/\d(?:\.\d)? (\d{3})/.exec(head.slice(0, line))?.[1]);
      if (code >= 200 && code < 400) done({ ok: true });
      else done({ ok: false, reason: Number.isNaN(code) ? 'not an HTTP answer' : `answered ${code}` });
    });
    socket.on('error', (err) => done({ ok: false, reason: err.message }));
    socket.on('close', () => done({ ok: false, reason: 'connection closed without an answer' }));
    socket.write(
      `GET ${check.path} HTTP/1.1\r\nHost: localhost\r\nUser-Agent: shoal-health\r\nConnection: close\r\n\r\n`,
    );
  });
}

export async function probe(child: ChildHandle, check: HealthCheck): Promise<ProbeResult> {
  if (child.sendSocket) {
    const { near, far } = await socketPair();
    const sent = await new Promise<Error | null>((resolve) =>
      child.sendSocket!(toApp.probe(check.port), far, resolve),
    );
    if (sent) {
      near.destroy();
      far.destroy();
      return { ok: false, reason: `could not hand the probe to the process: ${sent.message}` };
    }
    return readStatus(near, check);
  }
  if (check.port === null)
    return { ok: false, reason: 'the process has no IPC channel; set health_check.port' };
  const socket = net.connect(check.port, '127.0.0.1');
  return readStatus(socket, check);
}
