// Stateless authentication: JWTs signed with the app's shared secret (HS256 by default), so any worker,
// on any machine with the same secret, verifies a token without asking anyone, and tokens survive
// restarts and reloads. Every failure is a ShoalError with a stable code the app can answer 401 with.
import type { JWTPayload } from 'jose';
import { ShoalError } from '../errors.js';
import { type AuthMiddleware, createMiddleware, type MiddlewareOptions } from './auth-middleware.js';
import { resolveSecret } from './auth-secret-source.js';

export type Algorithm = 'HS256' | 'HS384' | 'HS512';

/** The verified payload: your claims plus the registered ones (exp and iat are always present). */
export type Claims = JWTPayload & Record<string, unknown> & { exp: number; iat: number };

export interface AuthOptions {
  /** The signing secret (32+ bytes); default SHOAL_AUTH_SECRET, else the file Shoal creates per app. */
  secret?: string | Uint8Array;
  algorithm?: Algorithm;
  /** Set as "iss" when issuing and required when verifying. */
  issuer?: string;
  /** Set as "aud" when issuing and required when verifying. */
  audience?: string;
  /** Seconds of clock skew allowed between machines when checking exp and nbf. Default 5. */
  clockTolerance?: number;
}

export interface IssueOptions {
  /** A jose time span ("15m", "2h", "7d") or seconds from now. Default "1h". */
  expiresIn?: string | number;
  /** The token's subject ("sub"), usually the user id. */
  subject?: string;
}

export interface Auth {
  /** Signs claims into a compact JWT. */
  issue(claims?: Record<string, unknown>, opts?: IssueOptions): Promise<string>;
  /** The token's claims; throws SHOAL_ERR_AUTH_MALFORMED, _EXPIRED or _INVALID. */
  verify<T extends Record<string, unknown> = Record<string, unknown>>(token: string): Promise<Claims & T>;
  /** For node:http, Express and Connect: sets req.user, or answers 401 JSON. See auth-middleware.ts. */
  middleware(opts?: MiddlewareOptions): AuthMiddleware;
}

export function createAuth(opts: AuthOptions = {}): Auth {
  const algorithm = opts.algorithm ?? 'HS256';
  let key: Promise<Uint8Array> | null = null;
  // Resolved on first use (not at import), so an app that never uses auth needs no secret; a failure
  // is not cached, so fixing the environment or the file needs no restart of the module.
  const secret = (): Promise<Uint8Array> => {
    if (!key) {
      const resolving =
        opts.secret !== undefined ? Promise.resolve(fromOption(opts.secret)) : resolveSecret();
      key = resolving;
      resolving.catch(() => {
        if (key === resolving) key = null;
      });
    }
    return key;
  };

  const auth: Auth = {
    async issue(claims = {}, o = {}) {
      const { SignJWT } = await jose();
      const jwt = new SignJWT({ ...claims }).setProtectedHeader({ alg: algorithm, typ: 'JWT' }).setIssuedAt();
      const expiresIn = o.expiresIn ?? '1h';
      // jose reads a number as an absolute time; here a number means seconds from now.
      jwt.setExpirationTime(
        typeof expiresIn === 'number' ? Math.floor(Date.now() / 1000) + expiresIn : expiresIn,
      );
      if (o.subject !== undefined) jwt.setSubject(o.subject);
      if (opts.issuer !== undefined) jwt.setIssuer(opts.issuer);
      if (opts.audience !== undefined) jwt.setAudience(opts.audience);
      return jwt.sign(await secret());
    },

    async verify<T extends Record<string, unknown>>(token: string) {
      if (typeof token !== 'string' || token.length === 0) {
        throw new ShoalError('SHOAL_ERR_AUTH_MALFORMED', 'No token was given.');
      }
      const k = await secret();
      const { jwtVerify } = await jose();
      try {
        const { payload } = await jwtVerify(token, k, {
          algorithms: [algorithm],
          issuer: opts.issuer,
          audience: opts.audience,
          clockTolerance: opts.clockTolerance ?? 5,
          // A token without expiry would be valid forever: refuse it even if correctly signed.
          requiredClaims: ['exp', 'iat'],
        });
        return payload as Claims & T;
      } catch (err) {
        throw translate(err);
      }
    },

    middleware(o = {}) {
      return createMiddleware(auth, o);
    },
  };
  return auth;
}

/** jose is loaded on first use: apps that never touch auth do not pay for it at start. */
let joseModule: Promise<typeof import('jose')> | null = null;
function jose(): Promise<typeof import('jose')> {
  joseModule ??= import('jose');
  return joseModule;
}

function fromOption(secret: string | Uint8Array): Uint8Array {
  const bytes = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  if (bytes.byteLength < 32) {
    throw new ShoalError(
      'SHOAL_ERR_AUTH_SECRET',
      `The auth secret passed to createAuth has ${bytes.byteLength} bytes; at least 32 are needed.`,
    );
  }
  return bytes;
}

/** jose's errors to Shoal's codes; the messages say what is wrong without echoing the token. */
function translate(err: unknown): ShoalError {
  if (err instanceof ShoalError) return err;
  // jose's error classes carry stable codes; matching on them avoids loading jose's error module early.
  const code = (err as { code?: unknown })?.code;
  if (code === 'ERR_JWT_EXPIRED') {
    return new ShoalError(
      'SHOAL_ERR_AUTH_EXPIRED',
      'The token has expired; sign in again.',
      {},
      { cause: err },
    );
  }
  if (code === 'ERR_JWS_INVALID' || code === 'ERR_JWT_INVALID') {
    return new ShoalError(
      'SHOAL_ERR_AUTH_MALFORMED',
      'The token is not a well-formed JWT.',
      {},
      { cause: err },
    );
  }
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') {
    const claim = String((err as { claim?: unknown }).claim);
    return new ShoalError(
      'SHOAL_ERR_AUTH_INVALID',
      `The token's "${claim}" claim is not accepted.`,
      { claim },
      { cause: err },
    );
  }
  // Signature mismatch (forged or another secret), alg "none" or another algorithm, and anything else.
  return new ShoalError('SHOAL_ERR_AUTH_INVALID', 'The token signature does not verify.', {}, { cause: err });
}

/** Auth with the app's shared secret. */
export const auth: Auth = createAuth();
