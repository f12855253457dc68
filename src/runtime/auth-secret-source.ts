// Where the signing secret comes from. Every worker and every restart must find the same bytes, or a token
// issued by one worker fails in the next: SHOAL_AUTH_SECRET (set by you, or from the process file's
// `auth.secret`), else the per-app file Shoal creates once (SHOAL_AUTH_SECRET_FILE).
import { readFile } from 'node:fs/promises';
import { ShoalError } from '../errors.js';

/** HS256 signs with a 256-bit key; a shorter secret is guessable offline from any token. */
export const MIN_SECRET_BYTES = 32;

export async function resolveSecret(env: NodeJS.ProcessEnv = process.env): Promise<Uint8Array> {
  if (env.SHOAL_AUTH_SECRET)
    return checkLength(new TextEncoder().encode(env.SHOAL_AUTH_SECRET), 'SHOAL_AUTH_SECRET');
  const file = env.SHOAL_AUTH_SECRET_FILE;
  if (file) {
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (err) {
      throw new ShoalError(
        'SHOAL_ERR_AUTH_SECRET',
        `Cannot read the auth secret file ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): Shoal creates it when the app starts; restart the app with "shoal restart", or set SHOAL_AUTH_SECRET.`,
        { file },
        { cause: err },
      );
    }
    return checkLength(new Uint8Array(bytes), file);
  }
  throw new ShoalError(
    'SHOAL_ERR_AUTH_SECRET',
    `No auth secret: set SHOAL_AUTH_SECRET to a random string of at least ${MIN_SECRET_BYTES} bytes (for example the output of "openssl rand -base64 32"), or run the app under Shoal, which creates one per app.`,
  );
}

function checkLength(secret: Uint8Array, source: string): Uint8Array {
  if (secret.byteLength < MIN_SECRET_BYTES) {
    throw new ShoalError(
      'SHOAL_ERR_AUTH_SECRET',
      `The auth secret from ${source} has ${secret.byteLength} bytes; at least ${MIN_SECRET_BYTES} are needed (for example "openssl rand -base64 32").`,
      { source },
    );
  }
  return secret;
}
