// Hides secrets in everything the CLI prints (config, describe, env), by name and by value. By name: an
// environment variable or setting called like a secret (DB_PASSWORD, API_KEY, auth.secret). By value,
// whatever the name: the userinfo of any URL (redis://user:pw@host), `password=...` pairs inside a value,
// and arguments such as --db-password=... . Never the harmless: a URL without credentials
// (REDIS_URL=redis://127.0.0.1:6379/0) stays readable, and so do names that only describe a secret
// (TOKEN_TTL, JWT_SECRET_FILE, AUTH_HEADER).
import type { AppConfig } from '../../protocol/app-config.js';

export const REDACTED = '[redacted]';

const SECRET_NAME = /(SECRET|PASSWORD|PASSWD|PASS$|TOKEN|API_?KEY|PRIVATE|CREDENTIAL|AUTH|_KEY$|^KEY$)/i;
/** A name about a secret rather than holding one: where it is, how long it lasts, how it is sent. */
const DESCRIBES_A_SECRET =
  /(_FILE|_PATH|_DIR|_TTL|_TIMEOUT|_EXPIRY|_EXPIRES(_IN)?|_LIFETIME|_MAX_AGE|_LENGTH|_SIZE|_BYTES|_ALGORITHM|_ALG|_HEADER|_ISSUER|_AUDIENCE|_URL|_URI|_HOST|_PORT|_ENABLED|_DISABLED|_MODE|_NAME)$/i;
/** The userinfo of a URL: scheme://user:password@ or scheme://token@ . */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi;
/** password=..., secret=..., token=... inside a value (query strings, connection strings). */
const SECRET_PAIR = /\b((?:[\w-]*?)(?:password|passwd|pwd|secret|token|api[-_]?key)[\w-]*=)([^&;\s]+)/gi;
/** An option whose name says it carries a secret: --db-password, --api-key, -p is left alone. */
const SECRET_OPTION = /^(--?[\w.-]*(?:password|passwd|secret|token|api[-_]?key|credential)[\w.-]*)(=.*)?$/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !DESCRIBES_A_SECRET.test(name);
}

/** A value with the credentials inside it replaced: URL userinfo and secret-named pairs. */
export function redactValue(value: string): string {
  return value
    .replace(URL_USERINFO, (_m, scheme: string) => `${scheme}${REDACTED}@`)
    .replace(SECRET_PAIR, (m, key: string) =>
      isSecretName(key.slice(0, -1).replace(/^-+/, '').replace(/[-.]/g, '_')) ? `${key}${REDACTED}` : m,
    );
}

export function redactEnv(env: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) out[k] = isSecretName(k) ? REDACTED : redactValue(v);
  return out;
}

/** Arguments: --db-password=x becomes --db-password=[redacted]; --db-password x hides the x. */
export function redactArgs(args: readonly string[]): string[] {
  const out: string[] = [];
  let hideNext = false;
  for (const arg of args) {
    if (hideNext) {
      out.push(REDACTED);
      hideNext = false;
      continue;
    }
    const m = SECRET_OPTION.exec(arg);
    // --token-ttl describes a secret as TOKEN_TTL does; it holds none.
    if (m && isSecretName(m[1]!.replace(/^-+/, '').replace(/[-.]/g, '_'))) {
      if (m[2] !== undefined) out.push(`${m[1]}=${REDACTED}`);
      else {
        out.push(arg);
        hideNext = true;
      }
      continue;
    }
    out.push(redactValue(arg));
  }
  return out;
}

/** Settings such as store and auth: secret-named keys hidden, every other string redacted by value. */
function redactSettings(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactValue(value);
  if (value === null || typeof value !== 'object' || depth > 16) return value;
  if (Array.isArray(value)) return value.map((v) => redactSettings(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      isSecretName(k) && (typeof v === 'string' || typeof v === 'number')
        ? REDACTED
        : redactSettings(v, depth + 1);
  }
  return out;
}

/** An app's configuration as the CLI shows it: env, args and extension settings redacted. */
export function redactConfig(config: AppConfig): AppConfig {
  return {
    ...config,
    env: redactEnv(config.env),
    args: redactArgs(config.args),
    interpreter_args: redactArgs(config.interpreter_args),
    extra: redactSettings(config.extra) as Record<string, unknown>,
  };
}
