// The SHOAL_* variables that configure shoal/runtime in every app process, from the process file's
// `store` and `auth` settings.
import assert from 'node:assert/strict';
import { describe, it } from '../helpers/node-test.js';
import { AppConfigSchema } from '../../src/protocol/app-config.js';
import { shoalVariables } from '../../src/supervision/launch-spec.js';

const app = (extra: Record<string, unknown> = {}) =>
  AppConfigSchema.parse({
    name: 'notes',
    script: '/srv/notes/server.js',
    cwd: '/srv/notes',
    interpreter: 'node',
    exec_mode: 'cluster',
    instances: 2,
    extra,
  });
const who = { id: 3, instance: 1, home: '/home/u/.shoal' };

describe('runtime environment of an app', () => {
  it('always names the per-app secret file, and nothing else by default', () => {
    const env = shoalVariables(app(), who);
    assert.equal(env.SHOAL_AUTH_SECRET_FILE, '/home/u/.shoal/state/notes.auth-secret');
    assert.equal(env.SHOAL_STORE_URL, undefined);
    assert.equal(env.SHOAL_AUTH_SECRET, undefined);
  });

  it('maps store: { backend: "redis", url } and auth: { secret }', () => {
    const env = shoalVariables(
      app({ store: { backend: 'redis', url: 'redis://10.0.0.5:6379' }, auth: { secret: 's'.repeat(40) } }),
      who,
    );
    assert.equal(env.SHOAL_STORE_URL, 'redis://10.0.0.5:6379');
    assert.equal(env.SHOAL_AUTH_SECRET, 's'.repeat(40));
  });

  it('leaves the embedded store alone', () => {
    assert.equal(shoalVariables(app({ store: { backend: 'embedded' } }), who).SHOAL_STORE_URL, undefined);
  });
});
