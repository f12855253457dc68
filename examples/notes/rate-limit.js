// A per-user fixed-window rate limit on the shared store: one counter per user and window, created with
// the window as its time to live. incr is atomic in the store, so the limit holds across every worker
// (and every machine, on Redis): N workers do not get N times the allowance.
import { store } from 'shoal/runtime';
import { HttpError } from './http-json.js';

const limit = Number(process.env.RATE_LIMIT ?? 120);
const windowMs = Number(process.env.RATE_WINDOW_MS ?? 60_000);

/** Counts one request for the user; throws 429 once the user is over the limit in this window. */
export async function takeToken(user, res) {
  const window = Math.floor(Date.now() / windowMs);
  const used = await store.incr(`ratelimit:${user}:${window}`, 1, { ttl: windowMs });
  const resetSeconds = Math.ceil(((window + 1) * windowMs - Date.now()) / 1000);
  res.setHeader('ratelimit-limit', String(limit));
  res.setHeader('ratelimit-remaining', String(Math.max(0, limit - used)));
  res.setHeader('ratelimit-reset', String(resetSeconds));
  if (used > limit) {
    throw new HttpError(429, `Rate limit of ${limit} requests per ${windowMs / 1000}s reached.`, {
      'retry-after': String(resetSeconds),
    });
  }
}
