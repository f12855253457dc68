// Bearer-token authentication for node:http handlers, in the (req, res, next) form Express, Connect and
// Fastify's middie accept too. On success it sets req.user; on failure it answers 401 with a JSON body
// { error, code } and never a stack trace (the error's detail stays on the server).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isShoalError, ShoalError } from '../errors.js';
import type { Auth, Claims } from './auth.js';

export interface MiddlewareOptions {
  /** Let requests without an Authorization header through with req.user unset (a bad token still gets 401). */
  optional?: boolean;
  /** Realm named in the WWW-Authenticate header. Default "shoal". */
  realm?: string;
}

export type AuthenticatedRequest<T extends Record<string, unknown> = Record<string, unknown>> =
  IncomingMessage & {
    user: Claims & T;
  };

/**
 * Resolves true when the request may proceed (next, if given, has been called) and false when the
 * middleware has answered it. With plain node:http: `if (!(await requireUser(req, res))) return;`.
 */
export type AuthMiddleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: (err?: unknown) => void,
) => Promise<boolean>;

let misconfigurationReported = false;

export function createMiddleware(auth: Auth, opts: MiddlewareOptions): AuthMiddleware {
  const realm = opts.realm ?? 'shoal';
  return async (req, res, next) => {
    const header = req.headers.authorization;
    if (header === undefined && opts.optional) {
      next?.();
      return true;
    }
    try {
      (req as AuthenticatedRequest).user = await auth.verify(bearerToken(header));
    } catch (err) {
      refuse(res, err, realm);
      return false;
    }
    next?.();
    return true;
  };
}

function bearerToken(header: string | undefined): string {
  const match = header === undefined ? null : /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
  if (!match) {
    throw new ShoalError(
      'SHOAL_ERR_AUTH_MALFORMED',
      header === undefined
        ? 'Authentication required: send "Authorization: Bearer <token>".'
        : 'The Authorization header must be "Bearer <token>".',
    );
  }
  return match[1]!;
}

function refuse(res: ServerResponse, err: unknown, realm: string): void {
  const known =
    isShoalError(err) && err.code.startsWith('SHOAL_ERR_AUTH_') && err.code !== 'SHOAL_ERR_AUTH_SECRET';
  // A missing secret is the server's fault, not the client's: 500, and the reason goes to the app's log.
  if (!known && !misconfigurationReported) {
    misconfigurationReported = true;
    process.stderr.write(
      `shoal/runtime: authentication failed on the server side: ${(err as Error)?.message}\n`,
    );
  }
  const status = known ? 401 : 500;
  const body = known
    ? { error: (err as ShoalError).message, code: (err as ShoalError).code }
    : { error: 'Authentication is not available on this server.', code: 'SHOAL_ERR_AUTH_SECRET' };
  if (res.headersSent) {
    res.end();
    return;
  }
  const payload = JSON.stringify(body);
  const headers: Record<string, string | number> = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    'cache-control': 'no-store',
  };
  if (status === 401) {
    const invalid = (err as ShoalError).code !== 'SHOAL_ERR_AUTH_MALFORMED' ? ', error="invalid_token"' : '';
    headers['www-authenticate'] = `Bearer realm="${realm}"${invalid}`;
  }
  res.writeHead(status, headers);
  res.end(payload);
}
