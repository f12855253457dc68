// Read access to the dashboard. Process lists and log lines are for the owner only, as the actions are:
// a request proves it with the token as a bearer header (curl, scripts) or with a session cookie that the
// page gets once the user has entered the token (an EventSource cannot send headers). The cookie holds a
// random session id, never the token itself, and is HttpOnly and SameSite=Strict.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { hasBearerToken } from './auth-token.js';

export const SESSION_COOKIE = 'shoal_session';
/** Sessions kept at once; the oldest goes first (each browser tab that enters the token makes one). */
const MAX_SESSIONS = 64;
const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** Who a read comes from: one key per session, one for every bearer-header client. */
export type Reader = { key: string };

export class WebSessions {
  private readonly sessions = new Map<string, number>();

  constructor(private readonly token: string) {}

  /** A new session for a request that carried the token; the Set-Cookie header value to send. */
  open(): string {
    const id = randomBytes(24).toString('base64url');
    if (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
    this.sessions.set(id, Date.now() + SESSION_TTL_MS);
    return `${SESSION_COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_TTL_MS / 1000}`;
  }

  /** The reader a request proves to be, or null when it carries neither the token nor a live session. */
  reader(headers: IncomingHttpHeaders): Reader | null {
    if (hasBearerToken(headers.authorization, this.token)) return { key: 'bearer' };
    const id = sessionIdOf(headers.cookie);
    if (id === null) return null;
    for (const [known, expires] of this.sessions) {
      if (expires < Date.now()) {
        this.sessions.delete(known);
        continue;
      }
      const a = Buffer.from(known);
      const b = Buffer.from(id);
      if (a.length === b.length && timingSafeEqual(a, b)) return { key: `session:${known}` };
    }
    return null;
  }
}

function sessionIdOf(cookie: string | undefined): string | null {
  if (!cookie) return null;
  for (const part of cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim();
  }
  return null;
}
