// The notes API: login (a JWT plus a refresh session), and routes that need the token. Nothing is kept in
// the worker's memory: tokens verify with the app's shared secret, everything else lives in the store.
import { createHash, timingSafeEqual } from 'node:crypto';
import { auth, isShoalError, metrics, sessions } from 'shoal/runtime';
import { HttpError, readJson, sendJson } from './http-json.js';
import { bumpCounter, createNote, deleteNote, listNotes, readCounter } from './notes.js';
import { takeToken } from './rate-limit.js';

const demoPassword = process.env.DEMO_PASSWORD ?? 'shoal-demo';
const tokenTtl = process.env.TOKEN_TTL ?? '15m';
const refreshTtlMs = Number(process.env.REFRESH_TTL_MS ?? 7 * 24 * 3600 * 1000);
const requireUser = auth.middleware();

const requests = metrics.counter('notes_http_requests_total', 'HTTP requests answered, by route and status');
const latency = metrics.histogram(
  'notes_http_request_seconds',
  'Time to answer an HTTP request',
  [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1],
);

/** Routes that need no token. */
const open = {
  'GET /healthz': async (_req, res) => sendJson(res, 200, { status: 'ok', pid: process.pid }),
  'POST /login': async (req, res) => {
    const { username, password } = await readJson(req);
    if (typeof username !== 'string' || !/^[a-zA-Z0-9_.-]{1,64}$/.test(username)) {
      throw new HttpError(400, '"username" must be 1-64 letters, digits, ".", "_" or "-".');
    }
    if (typeof password !== 'string' || !samePassword(password, demoPassword)) {
      throw new HttpError(401, 'Wrong username or password.');
    }
    sendJson(res, 200, await tokensFor(username));
  },
  'POST /refresh': async (req, res) => {
    const { refresh } = await readJson(req);
    const session = await sessions.get(refresh);
    if (!session) throw new HttpError(401, 'The refresh token is unknown, expired or revoked; log in again.');
    await sessions.touch(refresh);
    sendJson(res, 200, { token: await auth.issue({}, { subject: session.user, expiresIn: tokenTtl }) });
  },
  'POST /logout': async (req, res) => {
    const { refresh } = await readJson(req);
    await sessions.destroy(refresh);
    sendJson(res, 204);
  },
};

/** Routes that need a valid token; `user` is the token's subject. */
const authenticated = {
  'GET /notes': async (_req, res, user) => sendJson(res, 200, { notes: await listNotes(user) }),
  'POST /notes': async (req, res, user) => {
    const { text } = await readJson(req);
    sendJson(res, 201, { note: await createNote(user, text) });
  },
  'DELETE /notes/:id': async (_req, res, user, id) => {
    if (!(await deleteNote(user, id))) throw new HttpError(404, `No note ${id}.`);
    sendJson(res, 204);
  },
  'GET /counter': async (_req, res, user) => sendJson(res, 200, { value: await readCounter(user) }),
  'POST /counter': async (_req, res, user) => sendJson(res, 200, { value: await bumpCounter(user) }),
};

export async function handle(req, res) {
  const stopTimer = latency.startTimer();
  res.setHeader('x-served-by', String(process.pid));
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const [route, param] = routeOf(req.method, path);
  try {
    if (open[route]) await open[route](req, res);
    else if (authenticated[route]) {
      // The middleware answers 401 itself when the token is missing, malformed, expired or forged.
      if (!(await requireUser(req, res))) return;
      await takeToken(req.user.sub, res);
      await authenticated[route](req, res, req.user.sub, param);
    } else throw new HttpError(404, `No route ${req.method} ${path}.`);
  } catch (err) {
    answerError(res, err);
  } finally {
    stopTimer();
    requests.inc({ route: open[route] || authenticated[route] ? route : 'other', status: res.statusCode });
  }
}

function routeOf(method, path) {
  const m = /^\/notes\/([^/]+)$/.exec(path);
  return m ? [`${method} /notes/:id`, m[1]] : [`${method} ${path}`, undefined];
}

async function tokensFor(user) {
  const token = await auth.issue({}, { subject: user, expiresIn: tokenTtl });
  const refresh = await sessions.create({ user }, { ttl: refreshTtlMs });
  return { token, refresh, token_type: 'Bearer' };
}

function samePassword(given, expected) {
  // Equal-length digests, so the comparison takes the same time whatever was typed.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function answerError(res, err) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (err instanceof HttpError) return sendJson(res, err.status, { error: err.message }, err.headers);
  // The store is down (Redis unreachable): say so, and let the client retry; the app keeps running.
  if (isShoalError(err) && err.code === 'SHOAL_ERR_STORE_UNAVAILABLE') {
    return sendJson(
      res,
      503,
      { error: 'The shared store is unavailable; retry shortly.', code: err.code },
      {
        'retry-after': '1',
      },
    );
  }
  console.error(err);
  sendJson(res, 500, { error: 'Internal error.' });
}
