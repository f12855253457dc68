// The dashboard's write token: 32 random bytes made when the daemon starts, kept in SHOAL_HOME/web-token
// (0600, like the control socket), required as "Authorization: Bearer <token>" on every state change.
// Whoever can read the user's home can act anyway; the token keeps out everyone who can only reach
// 127.0.0.1 (other local users, a page in the browser that is not the dashboard).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';

export function createToken(file: string): string {
  const token = randomBytes(32).toString('hex');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  // writeFileSync keeps the mode of an existing file: tighten it in case an older one was looser.
  chmodSync(file, 0o600);
  return token;
}

/** True when the Authorization header carries exactly this token; compared in constant time. */
export function hasBearerToken(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1]!);
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}
