// The messages of Shoal's own connection distribution (balancer "ip-hash" and "least-connections"):
// a worker asks its primary to listen for it (the primary holds the listening socket), the primary
// hands it accepted connections one by one, and the worker confirms each connection as it takes it,
// with how many of its connections have closed since its last report. Plain guards, no schema library: they run in apps.

export const BALANCER_MESSAGE_TYPES = {
  /** worker -> primary: listen on this address for me (and every worker of the app asking the same). */
  listen: 'shoal:bal:listen',
  /** primary -> worker: listening (the bound address) or failed (a negative errno, as libuv reports). */
  listenAck: 'shoal:bal:listen-ack',
  /** worker -> primary: my server on `key` closed; hand me no more connections for it. */
  unlisten: 'shoal:bal:unlisten',
  /** primary -> worker, with the socket: a connection for the server on `key`. */
  conn: 'shoal:bal:conn',
  /** worker -> primary: connections taken and refused (ids) and closed (a count) since the last report. */
  conns: 'shoal:bal:conns',
} as const;

const B = BALANCER_MESSAGE_TYPES;

/**
 * Set on the messages the primary sends a worker. Node's IPC channel emits a message whose `cmd` starts
 * with "NODE_" as 'internalMessage' instead of 'message' (node:cluster's own use the same path), so an
 * app's `process.on('message')` listeners never see the balancer's traffic or the socket of each
 * connection.
 */
export const INTERNAL_CMD = 'NODE_SHOAL_BALANCER';

export interface ListenRequest {
  type: typeof B.listen;
  key: string;
  host: string | null;
  port: number;
  backlog: number;
}
export interface ListenAck {
  cmd: typeof INTERNAL_CMD;
  type: typeof B.listenAck;
  key: string;
  errno: number;
  address: string;
  port: number;
  family: string;
}
export interface ConnMessage {
  cmd: typeof INTERNAL_CMD;
  type: typeof B.conn;
  key: string;
  id: number;
}
export interface ConnsReport {
  type: typeof B.conns;
  taken: number[];
  /** Handed to a server that had closed meanwhile: the primary hands them to another worker. */
  refused: number[];
  closed: number;
}

export const balancerMessage = {
  listen: (key: string, host: string | null, port: number, backlog: number): ListenRequest => ({
    type: B.listen,
    key,
    host,
    port,
    backlog,
  }),
  listenAck: (
    key: string,
    errno: number,
    bound?: { address: string; port: number; family: string },
  ): ListenAck => ({
    cmd: INTERNAL_CMD,
    type: B.listenAck,
    key,
    errno,
    address: bound?.address ?? '',
    port: bound?.port ?? 0,
    family: bound?.family ?? '',
  }),
  unlisten: (key: string) => ({ type: B.unlisten, key }) as const,
  conn: (key: string, id: number): ConnMessage => ({ cmd: INTERNAL_CMD, type: B.conn, key, id }),
  conns: (taken: number[], refused: number[], closed: number): ConnsReport => ({
    type: B.conns,
    taken,
    refused,
    closed,
  }),
};

function typed<T>(type: string) {
  return (m: unknown): m is T =>
    typeof m === 'object' && m !== null && (m as { type?: unknown }).type === type;
}

export const isListenRequest = typed<ListenRequest>(B.listen);
export const isListenAck = typed<ListenAck>(B.listenAck);
export const isUnlisten = typed<{ type: typeof B.unlisten; key: string }>(B.unlisten);
const isConnType = typed<ConnMessage>(B.conn);
const isConnsType = typed<ConnsReport>(B.conns);
// The two messages of every connection: checked field by field, with nothing that allocates.
export const isConnMessage = (m: unknown): m is ConnMessage =>
  isConnType(m) && typeof m.key === 'string' && Number.isInteger(m.id);
export const isConnsReport = (m: unknown): m is ConnsReport =>
  isConnsType(m) && Array.isArray(m.taken) && Array.isArray(m.refused) && Number.isInteger(m.closed);

/** Balancers whose connections go through the primary's own distribution. */
export const OWN_DISTRIBUTION = new Set(['ip-hash', 'least-connections']);
