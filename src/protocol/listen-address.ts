// How a listening address is written everywhere (reload checks, ls, describe): "127.0.0.1:3000",
// "*:3000" for every interface, "[::1]:3000", or a Unix socket's path. Cluster workers report what they
// asked for (a null host for every interface), fork-mode processes what they bound ("::"): both read "*".
export interface RawAddress {
  address: string | null;
  port: number;
  /** 4, 6 or -1 (a pipe) from node:cluster; a family name from server.address(). */
  addressType?: number | string;
}

const ANY = new Set(['', '::', '0.0.0.0']);

export function formatAddress(addr: RawAddress | string): string {
  if (typeof addr === 'string') return addr; // a pipe path, as server.address() gives it
  if (addr.addressType === -1) return String(addr.address);
  const host = addr.address === null || ANY.has(addr.address) ? '*' : addr.address;
  return `${host.includes(':') ? `[${host}]` : host}:${addr.port}`;
}
