// Secrets in what the CLI prints, and the app secret's lifetime. `config`, `describe` and `env` hide
// auth.secret, the store URL's password, --*password*= arguments and the userinfo of any URL, and keep
// the harmless readable (a URL without credentials, TOKEN_TTL, *_SECRET_FILE). `shoal delete` removes the
// app's signing secret, so an app started later under the same name does not accept the old tokens.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from '../helpers/node-test.js';
import { createHome, fixture } from '../helpers/shoal.js';

const SECRETS = ['hunter2', 'pa55word', 'S'.repeat(40), 'tok-3x4mple', 'ghp_secret'];

describe('secrets in what the CLI prints', () => {
  it('are hidden by name and by value in config, describe and env, and the harmless are not', async (t) => {
    const home = createHome(t);
    const file = home.writeProcessFile({
      apps: [
        {
          name: 'leaky',
          script: fixture('forever.js'),
          args: ['--db-password=hunter2', '--port=3000', '--upstream', 'https://ghp_secret@example.com/repo'],
          env: {
            REDIS_URL: 'redis://127.0.0.1:6379/0',
            DATABASE_URL: 'postgres://app:pa55word@db.internal:5432/app',
            TOKEN_TTL: '3600',
            JWT_SECRET_FILE: '/run/secrets/jwt',
            API_TOKEN: 'tok-3x4mple',
          },
          store: { backend: 'redis', url: 'redis://:hunter2@127.0.0.1:6390/1' },
          auth: { secret: 'S'.repeat(40) },
        },
      ],
    });
    const outputs: Record<string, string> = {
      config: (await home.ok(['config', file])).stdout,
    };
    await home.ok(['start', file]);
    outputs['describe --json'] = (await home.ok(['describe', 'leaky', '--json'])).stdout;
    outputs.describe = (await home.ok(['describe', 'leaky'])).stdout;
    outputs.env = (await home.ok(['env', 'leaky'])).stdout;
    outputs['env --json'] = (await home.ok(['env', 'leaky', '--json'])).stdout;
    for (const [command, out] of Object.entries(outputs)) {
      for (const secret of SECRETS) assert.ok(!out.includes(secret), `shoal ${command} printed ${secret}`);
    }
    for (const command of ['config', 'describe --json', 'env']) {
      const out = outputs[command]!;
      assert.ok(out.includes('redis://127.0.0.1:6379/0'), `${command}: the harmless REDIS_URL is shown`);
      assert.ok(out.includes('3600'), `${command}: TOKEN_TTL is shown`);
      assert.ok(out.includes('/run/secrets/jwt'), `${command}: JWT_SECRET_FILE is shown`);
      assert.ok(out.includes('db.internal:5432'), `${command}: the database host is shown`);
    }
    assert.match(outputs.env!, /^SHOAL_STORE_URL=redis:\/\/\[redacted\]@127\.0\.0\.1:6390\/1$/m);
    assert.match(outputs.describe!, /--db-password=\[redacted\]/);
    assert.match(outputs.describe!, /--port=3000/);
    // --show-secrets is the way to see them, on purpose.
    assert.ok((await home.ok(['config', file, '--show-secrets'])).stdout.includes('hunter2'));
  });

  it('removes the app secret on delete, so the old tokens stop verifying under the same name', async (t) => {
    const home = createHome(t);
    const secretFile = join(home.dir, 'state', 'tok.auth-secret');
    await home.ok(['start', fixture('forever.js'), '--name', 'tok']);
    const first = readFileSync(secretFile);
    await home.ok(['delete', 'tok']);
    assert.equal(existsSync(secretFile), false, 'the secret went with the app');
    await home.ok(['start', fixture('forever.js'), '--name', 'tok']);
    const second = readFileSync(secretFile);
    assert.equal(second.length, 32);
    assert.notDeepEqual(second, first, 'a new app gets a new secret');
  });
});
