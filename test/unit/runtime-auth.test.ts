// Stateless auth: tokens that verify, every kind of bad token refused with its code, the secret shared
// through the per-app file, and the middleware's 401 answers (JSON, no stack) on a real HTTP server.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { describe, it } from '../helpers/node-test.js';
import { SignJWT, UnsecuredJWT } from 'jose';
import { ensureAuthSecretFile } from '../../src/daemon/auth-secret-file.js';
import { appFiles } from '../../src/supervision/app-files.js';
import { resolveSecret } from '../../src/runtime/auth-secret-source.js';
import { type AuthMiddleware, createAuth } from '../../src/runtime/index.js';

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256!';

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (err: { code?: string }) => {
    assert.equal(err.code, code);
    return true;
  });
}

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'shoal-auth-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('auth tokens', () => {
  it('issues a token that verifies, with the claims, subject and expiry', async () => {
    const auth = createAuth({ secret: SECRET });
    const token = await auth.issue({ role: 'admin' }, { subject: 'ann', expiresIn: '10m' });
    const claims = await auth.verify<{ role: string }>(token);
    assert.equal(claims.role, 'admin');
    assert.equal(claims.sub, 'ann');
    const now = Math.floor(Date.now() / 1000);
    assert.ok(claims.exp > now + 500 && claims.exp <= now + 601, `exp ${claims.exp - now}s from now`);
    // A number is seconds from now, not an absolute time.
    const short = await createAuth({ secret: SECRET }).verify(await auth.issue({}, { expiresIn: 30 }));
    assert.ok(short.exp - short.iat === 30);
  });

  it('refuses expired, forged, tampered, unsigned, unexpiring and malformed tokens with their codes', async () => {
    const auth = createAuth({ secret: SECRET });
    const key = new TextEncoder().encode(SECRET);
    await rejectsWith(auth.verify(await auth.issue({}, { expiresIn: -60 })), 'SHOAL_ERR_AUTH_EXPIRED');
    const other = createAuth({ secret: 'another-secret-that-is-long-enough-too!!' });
    await rejectsWith(auth.verify(await other.issue({ sub: 'ann' })), 'SHOAL_ERR_AUTH_INVALID');
    const [h, p, s] = (await auth.issue({ role: 'user' })).split('.');
    const elevated = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), role: 'admin' }),
    ).toString('base64url');
    await rejectsWith(auth.verify(`${h}.${elevated}.${s}`), 'SHOAL_ERR_AUTH_INVALID');
    const unsigned = new UnsecuredJWT({ sub: 'ann' }).setIssuedAt().setExpirationTime('1h').encode();
    await rejectsWith(auth.verify(unsigned), 'SHOAL_ERR_AUTH_INVALID');
    const hs512 = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS512' })
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(key);
    await rejectsWith(auth.verify(hs512), 'SHOAL_ERR_AUTH_INVALID');
    const forever = await new SignJWT({ sub: 'ann' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .sign(key);
    await rejectsWith(auth.verify(forever), 'SHOAL_ERR_AUTH_INVALID');
    for (const bad of ['', 'abc', 'a.b.c', `${h}.${p}`, 'x'.repeat(5000)]) {
      await rejectsWith(auth.verify(bad), 'SHOAL_ERR_AUTH_MALFORMED');
    }
    await rejectsWith(auth.verify(undefined as unknown as string), 'SHOAL_ERR_AUTH_MALFORMED');
  });

  it('checks issuer and audience when configured', async () => {
    const a = createAuth({ secret: SECRET, issuer: 'notes', audience: 'api' });
    assert.equal((await a.verify(await a.issue())).iss, 'notes');
    const b = createAuth({ secret: SECRET, issuer: 'other', audience: 'api' });
    await rejectsWith(b.verify(await a.issue()), 'SHOAL_ERR_AUTH_INVALID');
  });
});

describe('auth secret', () => {
  it('is created once per app, 32 random bytes, private, and never replaced', async (t) => {
    const home = tempDir(t);
    const state = join(home, 'state');
    const file = ensureAuthSecretFile(appFiles(home, 'notes').authSecret);
    assert.equal(file, join(state, 'notes.auth-secret'));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const bytes = readFileSync(file);
    assert.equal(bytes.length, 32);
    assert.equal(ensureAuthSecretFile(appFiles(home, 'notes').authSecret), file);
    assert.deepEqual(readFileSync(file), bytes, 'a second call keeps the secret');
    assert.notDeepEqual(
      readFileSync(ensureAuthSecretFile(appFiles(home, 'other').authSecret)),
      bytes,
      'one secret per app',
    );
  });

  it('is read from SHOAL_AUTH_SECRET, else from SHOAL_AUTH_SECRET_FILE, and a token verifies across instances', async (t) => {
    const file = ensureAuthSecretFile(appFiles(tempDir(t), 'app').authSecret);
    assert.deepEqual(
      await resolveSecret({ SHOAL_AUTH_SECRET_FILE: file }),
      new Uint8Array(readFileSync(file)),
    );
    assert.deepEqual(
      await resolveSecret({ SHOAL_AUTH_SECRET: SECRET, SHOAL_AUTH_SECRET_FILE: file }),
      new TextEncoder().encode(SECRET),
    );
    // Two "workers" reading the same file agree on every token.
    const env = process.env.SHOAL_AUTH_SECRET_FILE;
    const envSecret = process.env.SHOAL_AUTH_SECRET;
    delete process.env.SHOAL_AUTH_SECRET;
    process.env.SHOAL_AUTH_SECRET_FILE = file;
    t.after(() => {
      if (env === undefined) delete process.env.SHOAL_AUTH_SECRET_FILE;
      else process.env.SHOAL_AUTH_SECRET_FILE = env;
      if (envSecret !== undefined) process.env.SHOAL_AUTH_SECRET = envSecret;
    });
    const token = await createAuth().issue({ sub: 'ann' });
    assert.equal((await createAuth().verify(token)).sub, 'ann');
  });

  it('is refused with SHOAL_ERR_AUTH_SECRET when missing, unreadable or too short', async (t) => {
    await rejectsWith(resolveSecret({}), 'SHOAL_ERR_AUTH_SECRET');
    await rejectsWith(resolveSecret({ SHOAL_AUTH_SECRET: 'short' }), 'SHOAL_ERR_AUTH_SECRET');
    await rejectsWith(
      resolveSecret({ SHOAL_AUTH_SECRET_FILE: '/nonexistent/secret' }),
      'SHOAL_ERR_AUTH_SECRET',
    );
    const small = join(tempDir(t), 'small');
    writeFileSync(small, randomBytes(8));
    await rejectsWith(resolveSecret({ SHOAL_AUTH_SECRET_FILE: small }), 'SHOAL_ERR_AUTH_SECRET');
    await rejectsWith(createAuth({ secret: 'short' }).issue(), 'SHOAL_ERR_AUTH_SECRET');
  });
});

async function serve(t: TestContext, guard: AuthMiddleware, form: 'http' | 'next'): Promise<string> {
  const server: Server = createServer(async (req, res) => {
    if (form === 'http') {
      if (!(await guard(req, res))) return;
      res.end(JSON.stringify({ user: (req as IncomingMessage & { user: unknown }).user }));
    } else {
      // Express/Connect style: next() runs the rest of the chain.
      await guard(req, res, () =>
        res.end(JSON.stringify({ user: (req as IncomingMessage & { user: unknown }).user })),
      );
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe('auth middleware', () => {
  for (const form of ['http', 'next'] as const) {
    it(`lets a valid token through and answers 401 JSON without a stack otherwise (${form} form)`, async (t) => {
      const auth = createAuth({ secret: SECRET });
      const url = await serve(t, auth.middleware(), form);
      const ok = await fetch(url, {
        headers: { authorization: `Bearer ${await auth.issue({}, { subject: 'ann' })}` },
      });
      assert.equal(ok.status, 200);
      assert.equal(((await ok.json()) as { user: { sub: string } }).user.sub, 'ann');

      const forged = await createAuth({ secret: 'another-secret-that-is-long-enough-too!!' }).issue({});
      const expired = await auth.issue({}, { expiresIn: -60 });
      const cases: [Record<string, string>, string][] = [
        [{}, 'SHOAL_ERR_AUTH_MALFORMED'],
        [{ authorization: 'Basic YTpi' }, 'SHOAL_ERR_AUTH_MALFORMED'],
        [{ authorization: 'Bearer not-a-jwt' }, 'SHOAL_ERR_AUTH_MALFORMED'],
        [{ authorization: `Bearer ${expired}` }, 'SHOAL_ERR_AUTH_EXPIRED'],
        [{ authorization: `Bearer ${forged}` }, 'SHOAL_ERR_AUTH_INVALID'],
      ];
      for (const [headers, code] of cases) {
        const res = await fetch(url, { headers });
        assert.equal(res.status, 401, JSON.stringify(headers));
        assert.match(res.headers.get('content-type') ?? '', /application\/json/);
        assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer realm="shoal"/);
        const text = await res.text();
        const body = JSON.parse(text) as { error: string; code: string };
        assert.equal(body.code, code);
        assert.ok(body.error.length > 0);
        assert.deepEqual(Object.keys(body).sort(), ['code', 'error']);
        assert.doesNotMatch(text, /\bat \S+ \(|node_modules|\.ts:\d+|stack/i, 'no stack trace in the answer');
      }
    });
  }

  it('answers 500 JSON, not 401, when the server has no secret', async (t) => {
    const saved = { ...process.env };
    delete process.env.SHOAL_AUTH_SECRET;
    delete process.env.SHOAL_AUTH_SECRET_FILE;
    t.after(() => {
      process.env.SHOAL_AUTH_SECRET = saved.SHOAL_AUTH_SECRET;
      if (saved.SHOAL_AUTH_SECRET === undefined) delete process.env.SHOAL_AUTH_SECRET;
      if (saved.SHOAL_AUTH_SECRET_FILE !== undefined)
        process.env.SHOAL_AUTH_SECRET_FILE = saved.SHOAL_AUTH_SECRET_FILE;
    });
    const url = await serve(t, createAuth().middleware(), 'http');
    const res = await fetch(url, { headers: { authorization: 'Bearer a.b.c' } });
    assert.equal(res.status, 500);
    const text = await res.text();
    assert.equal(JSON.parse(text).code, 'SHOAL_ERR_AUTH_SECRET');
    assert.doesNotMatch(text, /SHOAL_AUTH_SECRET_FILE|openssl|\bat /);
  });

  it('lets requests without a token through when optional, but still refuses a bad one', async (t) => {
    const auth = createAuth({ secret: SECRET });
    const url = await serve(t, auth.middleware({ optional: true }), 'http');
    const anonymous = await fetch(url);
    assert.equal(anonymous.status, 200);
    assert.deepEqual(await anonymous.json(), {});
    assert.equal((await fetch(url, { headers: { authorization: 'Bearer junk' } })).status, 401);
  });
});
