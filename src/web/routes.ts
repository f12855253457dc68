// What the dashboard server answers. The page and /metrics (figures, no log text) are open to anyone on
// loopback; the process list and the logs need the token or a session made with it (web-sessions.ts);
// every state change needs the bearer token itself. Every request must name this loopback server
// (see loopback-guard.ts).
//   GET  /                            the dashboard page
//   POST /api/session                 bearer token in, session cookie out (for the page's reads)
//   GET  /api/state                   processes and apps, as `shoal ls` sees them
//   GET  /api/logs?app=NAME           log lines as Server-Sent Events
//   GET  /metrics                     Prometheus text format
//   POST /api/apps/TARGET/ACTION      restart | reload | stop | scale (body {"instances": N | "+N" | ...})
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from '../protocol/zod-mini.js';
import { type ErrorCode, isShoalError, ShoalError } from '../errors.js';
import type { ProcessInfo } from '../protocol/process-info.js';
import { hasBearerToken } from './auth-token.js';
import { DASHBOARD_PAGE } from './dashboard-page.js';
import { checkLoopbackRequest } from './loopback-guard.js';
import { streamLogs, type TailedFile } from './log-stream.js';
import { CounterContinuity } from './counter-continuity.js';
import { type Reader, WebSessions } from './web-sessions.js';
import type { MetricsSource } from './prometheus.js';

/** What the web server needs from the daemon: the same operations the control socket offers. */
export interface WebBackend extends MetricsSource {
  list(): ProcessInfo[];
  logFiles(target: string): TailedFile[];
  restart(target: string): Promise<{ processes: ProcessInfo[]; messages: string[] }>;
  reload(target: string): Promise<{ processes: ProcessInfo[]; messages: string[] }>;
  stop(target: string): Promise<{ processes: ProcessInfo[] }>;
  scale(name: string, instances: number | string): Promise<{ processes: ProcessInfo[]; messages: string[] }>;
  readonly sampleIntervalMs: number;
}

export interface RouteContext {
  backend: WebBackend;
  token: string;
  hosts: Set<string>;
}

const MAX_BODY = 4096;
/** Log streams open at once; each polls its files, so a runaway page cannot multiply the cost. */
const MAX_LOG_STREAMS = 32;
/** Per reader (a session, or all bearer clients): one tab left open cannot take every stream. */
const MAX_LOG_STREAMS_PER_READER = 8;
const INITIAL_LOG_LINES = 100;

const ScaleBody = z.object({ instances: z.union([z.int(), z.string().check(z.regex(/^([+-]?\d+|max)$/))]) });
const ACTIONS = ['restart', 'reload', 'stop', 'scale'] as const;
type Action = (typeof ACTIONS)[number];

const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  SHOAL_ERR_WEB_UNAUTHORIZED: 401,
  SHOAL_ERR_WEB_FORBIDDEN: 403,
  SHOAL_ERR_APP_NOT_FOUND: 404,
  SHOAL_ERR_CONFIG_INVALID: 400,
  SHOAL_ERR_PROTOCOL_INVALID: 400,
  SHOAL_ERR_UNSUPPORTED: 409,
};

export function createRouter(ctx: RouteContext): (req: IncomingMessage, res: ServerResponse) => void {
  let logStreams = 0;
  // App counters carried over process restarts, from one scrape to the next (counter-continuity.ts).
  const continuity = new CounterContinuity();
  const streamsOf = new Map<string, number>();
  const sessions = new WebSessions(ctx.token);
  const mustRead = (req: IncomingMessage): Reader => {
    const reader = sessions.reader(req.headers);
    if (reader) return reader;
    throw new ShoalError(
      'SHOAL_ERR_WEB_UNAUTHORIZED',
      'Reading processes and logs needs the dashboard token: enter it in the page, or send "Authorization: Bearer <token>" with the token from SHOAL_HOME/web-token.',
    );
  };
  const mustAct = (req: IncomingMessage): void => {
    if (!hasBearerToken(req.headers.authorization, ctx.token)) {
      throw new ShoalError(
        'SHOAL_ERR_WEB_UNAUTHORIZED',
        'This action needs the dashboard token: send "Authorization: Bearer <token>" with the token from SHOAL_HOME/web-token (shoal dashboard shows where it is).',
      );
    }
  };
  return (req, res) => {
    handle(req, res).catch((err: unknown) => sendError(res, err));
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const verdict = checkLoopbackRequest(req.headers, ctx.hosts);
    if (!verdict.ok) throw new ShoalError('SHOAL_ERR_WEB_FORBIDDEN', `Refused: ${verdict.why}.`);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://127.0.0.1');
    } catch {
      throw new ShoalError(
        'SHOAL_ERR_PROTOCOL_INVALID',
        `Not a valid request URL: ${JSON.stringify(req.url)}.`,
      );
    }
    const path = url.pathname;
    if (req.method === 'POST' && path === '/api/session') {
      mustAct(req);
      res.writeHead(204, { 'set-cookie': sessions.open(), 'cache-control': 'no-store' }).end();
      return;
    }

    if (req.method === 'GET' || req.method === 'HEAD') {
      if (path === '/') return send(res, 200, 'text/html; charset=utf-8', DASHBOARD_PAGE);
      if (path === '/api/state') {
        mustRead(req);
        return sendJson(res, 200, state(ctx.backend));
      }
      if (path === '/metrics') {
        // prom-client is a few MB: loaded by the first scrape, not by a page that never asks for it.
        const { PROMETHEUS_CONTENT_TYPE, renderMetrics } = await import('./prometheus.js');
        return send(res, 200, PROMETHEUS_CONTENT_TYPE, await renderMetrics(ctx.backend, continuity));
      }
      if (path === '/api/logs') {
        const reader = mustRead(req);
        const app = url.searchParams.get('app');
        if (!app) throw new ShoalError('SHOAL_ERR_CONFIG_INVALID', 'Name the app: /api/logs?app=NAME.');
        const files = ctx.backend.logFiles(app);
        const mine = streamsOf.get(reader.key) ?? 0;
        if (logStreams >= MAX_LOG_STREAMS || mine >= MAX_LOG_STREAMS_PER_READER) {
          res.writeHead(503, { 'retry-after': '5' }).end('too many log streams open');
          return;
        }
        logStreams += 1;
        streamsOf.set(reader.key, mine + 1);
        const stop = streamLogs(res, files, INITIAL_LOG_LINES);
        res.once('close', () => {
          logStreams -= 1;
          const left = (streamsOf.get(reader.key) ?? 1) - 1;
          if (left > 0) streamsOf.set(reader.key, left);
          else streamsOf.delete(reader.key);
          stop();
        });
        return;
      }
      return notFound(res);
    }

    const action = /^\/api\/apps\/([^/]+)\/([a-z]+)$/.exec(path);
    if (req.method === 'POST' && action) {
      mustAct(req);
      const target = decodePathPart(action[1]!);
      const verb = action[2] as Action;
      if (!ACTIONS.includes(verb)) return notFound(res);
      const body = await readBody(req);
      return sendJson(res, 200, await act(ctx.backend, verb, target, body));
    }
    if (action || path === '/' || path.startsWith('/api/') || path === '/metrics') {
      res.writeHead(405, { allow: action ? 'POST' : 'GET' }).end();
      return;
    }
    notFound(res);
  }
}

/** A %-escaped path segment; a malformed escape ("%zz", a cut UTF-8 sequence) is the client's error. */
function decodePathPart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new ShoalError(
      'SHOAL_ERR_PROTOCOL_INVALID',
      `The app in the URL is not validly %-escaped: ${JSON.stringify(part)}.`,
    );
  }
}

function state(backend: WebBackend) {
  const processes = backend.list();
  const apps = backend.apps().map((a) => ({
    ...a,
    online: processes.filter((p) => p.name === a.name && p.status === 'online').length,
  }));
  return { at: Date.now(), sample_interval_ms: backend.sampleIntervalMs, apps, processes };
}

async function act(backend: WebBackend, verb: Action, target: string, body: string): Promise<unknown> {
  switch (verb) {
    case 'restart':
      return backend.restart(target);
    case 'reload':
      return backend.reload(target);
    case 'stop':
      return backend.stop(target);
    case 'scale': {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body || '{}');
      } catch {
        parsed = null;
      }
      const res = ScaleBody.safeParse(parsed);
      if (!res.success) {
        throw new ShoalError(
          'SHOAL_ERR_CONFIG_INVALID',
          'Scale expects a JSON body {"instances": N} (or "+N", "-N", "max").',
          { key: 'instances' },
        );
      }
      return backend.scale(target, res.data.instances);
    }
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new ShoalError('SHOAL_ERR_PROTOCOL_INVALID', `Request body over ${MAX_BODY} bytes.`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    // The page is self-contained: no outside scripts, no framing by other sites.
    'content-security-policy':
      "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
  });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

function sendError(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const e = isShoalError(err)
    ? err
    : new ShoalError('SHOAL_ERR_INTERNAL', (err as Error)?.message ?? String(err));
  const status = HTTP_STATUS[e.code] ?? 500;
  const headers: Record<string, string> = {};
  if (status === 401) headers['www-authenticate'] = 'Bearer realm="shoal"';
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ error: e.toJSON() }));
}
