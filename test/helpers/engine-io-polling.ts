// A Socket.IO client over the raw long-polling protocol (Engine.IO 4, Socket.IO 5), from a chosen local
// address: what a browser behind its own IP does, with every step visible. One session: handshake,
// namespace connect, an event, and the poll that brings the answer.
import http from 'node:http';

function request(
  port: number,
  localAddress: string,
  method: 'GET' | 'POST',
  query: string,
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        localAddress,
        method,
        path: `/socket.io/?EIO=4&transport=polling${query}`,
        agent: false,
        timeout: 5000,
        headers: body === undefined ? {} : { 'content-type': 'text/plain;charset=UTF-8' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

export interface SessionResult {
  ok: boolean;
  /** The step that failed and what the server said, when not ok. */
  failure?: string;
  /** What the server's "echo" event carried. */
  echo?: { text: string; pid: number; instance: string };
}

/** Engine.IO packs several packets into one polling body, separated by the record separator. */
const packets = (body: string) => body.split('\x1e');

export async function pollingSession(
  port: number,
  localAddress: string,
  text: string,
): Promise<SessionResult> {
  const open = await request(port, localAddress, 'GET', '');
  if (open.status !== 200 || !open.body.startsWith('0'))
    return { ok: false, failure: `handshake: ${open.status} ${open.body}` };
  const sid = (JSON.parse(open.body.slice(1)) as { sid: string }).sid;
  const q = `&sid=${encodeURIComponent(sid)}`;
  const steps: Array<[string, () => Promise<{ status: number; body: string }>]> = [
    ['connect', () => request(port, localAddress, 'POST', q, '40')],
    ['connect ack', () => request(port, localAddress, 'GET', q)],
    ['event', () => request(port, localAddress, 'POST', q, `42${JSON.stringify(['hello', text])}`)],
  ];
  for (const [name, step] of steps) {
    const res = await step();
    if (res.status !== 200) return { ok: false, failure: `${name}: ${res.status} ${res.body}` };
  }
  const poll = await request(port, localAddress, 'GET', q);
  if (poll.status !== 200) return { ok: false, failure: `poll: ${poll.status} ${poll.body}` };
  const event = packets(poll.body).find((p) => p.startsWith('42'));
  if (!event) return { ok: false, failure: `poll: no event in ${poll.body}` };
  const [name, echo] = JSON.parse(event.slice(2)) as [string, SessionResult['echo']];
  return name === 'echo' ? { ok: true, echo } : { ok: false, failure: `poll: event ${name}` };
}
