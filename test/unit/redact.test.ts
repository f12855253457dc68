// What the CLI hides when it prints a config, a process or its env: secrets by name and by value, and
// never the harmless. Each row is a value as users write them.
import assert from 'node:assert/strict';
import { isSecretName, REDACTED, redactArgs, redactConfig, redactEnv } from '../../src/cli/format/redact.js';
import { AppConfigSchema } from '../../src/protocol/app-config.js';
import { describe, test } from '../helpers/node-test.js';

/** [name, value, what may be printed]: null means the whole value is hidden. */
const ENV: [string, string, string | null][] = [
  // Hidden by name.
  ['DB_PASSWORD', 'hunter2', null],
  ['GITHUB_TOKEN', 'ghp_abc', null],
  ['API_KEY', 'k-123', null],
  ['SHOAL_AUTH_SECRET', 'x'.repeat(40), null],
  ['PRIVATE_KEY', '-----BEGIN', null],
  ['DB_PASS', 'pw', null],
  // Credentials inside a value, whatever the name.
  ['SHOAL_STORE_URL', 'redis://:s3cret@127.0.0.1:6379/0', `redis://${REDACTED}@127.0.0.1:6379/0`],
  ['DATABASE_URL', 'postgres://app:pw@db:5432/app', `postgres://${REDACTED}@db:5432/app`],
  ['SENTRY_DSN', 'https://abc123@o1.ingest.sentry.io/42', `https://${REDACTED}@o1.ingest.sentry.io/42`],
  ['UPSTREAM', 'see https://user:pw@host/x and more', `see https://${REDACTED}@host/x and more`],
  ['CONN', 'Server=db;User Id=app;Password=pw;', `Server=db;User Id=app;Password=${REDACTED};`],
  ['CALLBACK', 'https://h/cb?api_key=zzz&x=1', `https://h/cb?api_key=${REDACTED}&x=1`],
  // Harmless: shown as they are.
  ['REDIS_URL', 'redis://127.0.0.1:6379/0', 'redis://127.0.0.1:6379/0'],
  ['DATABASE_URL', 'postgres://db:5432/app', 'postgres://db:5432/app'],
  ['TOKEN_TTL', '3600', '3600'],
  ['JWT_SECRET_FILE', '/run/secrets/jwt', '/run/secrets/jwt'],
  ['PASSWORD_PATH', '/etc/app/pw', '/etc/app/pw'],
  ['AUTH_HEADER', 'authorization', 'authorization'],
  ['SESSION_TOKEN_MAX_AGE', '600', '600'],
  ['NODE_ENV', 'production', 'production'],
  ['EMAIL', 'ops@example.com', 'ops@example.com'],
];

const ARGS: [string[], string[]][] = [
  [
    ['--db-password=hunter2', '--port=3000'],
    [`--db-password=${REDACTED}`, '--port=3000'],
  ],
  [
    ['--password', 'hunter2', 'serve'],
    ['--password', REDACTED, 'serve'],
  ],
  [
    ['--api-key=abc', '-v'],
    [`--api-key=${REDACTED}`, '-v'],
  ],
  [
    ['--redis', 'redis://u:p@h:1'],
    ['--redis', `redis://${REDACTED}@h:1`],
  ],
  [
    ['--token-ttl=60', '--secret-file=/run/s'],
    ['--token-ttl=60', '--secret-file=/run/s'],
  ],
  [
    ['--port', '8080', 'app.js'],
    ['--port', '8080', 'app.js'],
  ],
];

describe('redaction', () => {
  for (const [name, value, shown] of ENV) {
    test(`${name}=${value.slice(0, 30)} prints as ${shown === null ? 'hidden' : 'shown'}`, () => {
      const out = redactEnv({ [name]: value })[name];
      assert.equal(out, shown ?? REDACTED);
    });
  }
  for (const [args, shown] of ARGS) {
    test(`args ${args.join(' ')}`, () => assert.deepEqual(redactArgs(args), shown));
  }

  test('a whole config: auth.secret, store.url, args and env', () => {
    const config = AppConfigSchema.parse({
      name: 'api',
      script: '/srv/api.js',
      cwd: '/srv',
      interpreter: 'node',
      exec_mode: 'fork',
      instances: 1,
      args: ['--db-password=hunter2'],
      env: { REDIS_URL: 'redis://127.0.0.1:6379/0', DB_PASSWORD: 'hunter2' },
      extra: {
        auth: { secret: 's'.repeat(40) },
        store: { backend: 'redis', url: 'redis://:pw@10.0.0.1:6379' },
      },
    });
    const text = JSON.stringify(redactConfig(config));
    for (const leaked of ['hunter2', 's'.repeat(40), ':pw@'])
      assert.ok(!text.includes(leaked), `${leaked} leaked`);
    assert.ok(text.includes('redis://127.0.0.1:6379/0'), 'the harmless URL stays');
    assert.ok(text.includes('10.0.0.1:6379'), 'the store host stays');
    assert.ok(text.includes('"backend":"redis"'));
  });

  test('names that describe a secret are not secrets', () => {
    for (const n of ['TOKEN_TTL', 'X_SECRET_FILE', 'AUTH_HEADER']) assert.equal(isSecretName(n), false, n);
    for (const n of ['SECRET', 'MY_TOKEN', 'AUTH', 'APIKEY']) assert.equal(isSecretName(n), true, n);
  });
});
