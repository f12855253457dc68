// Requests must name the loopback server they are sent to. A Host header with another name is how DNS
// rebinding reaches a 127.0.0.1 server from a web page (evil.example resolving to 127.0.0.1), and an
// Origin from another site is a cross-site request riding on the user's browser: both are refused,
// for reads too, since the dashboard shows log lines.

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

export function allowedHosts(port: number): Set<string> {
  return new Set(LOOPBACK_NAMES.map((h) => `${h}:${port}`));
}

export type GuardVerdict = { ok: true } | { ok: false; why: string };

export function checkLoopbackRequest(
  headers: { host?: string | undefined; origin?: string | undefined },
  hosts: Set<string>,
): GuardVerdict {
  const host = headers.host?.toLowerCase();
  if (!host || !hosts.has(host))
    return { ok: false, why: `host ${JSON.stringify(headers.host ?? '')} is not this server` };
  const origin = headers.origin;
  // Same-origin GETs from the page and non-browser clients (curl, Prometheus) send no Origin at all.
  if (origin === undefined) return { ok: true };
  let originHost: string;
  try {
    const url = new URL(origin);
    if (url.protocol !== 'http:') return { ok: false, why: `origin ${origin} is not this server` };
    originHost = url.host.toLowerCase();
  } catch {
    return { ok: false, why: `origin ${JSON.stringify(origin)} is not a URL` };
  }
  return hosts.has(originHost) ? { ok: true } : { ok: false, why: `origin ${origin} is not this server` };
}
