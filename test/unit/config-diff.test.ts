// The per-app report of a process-file reload: which settings were added, removed or changed, with env
// and extra settings compared per variable and never a value in the report.
import assert from 'node:assert/strict';
import { AppConfigSchema } from '../../src/protocol/app-config.js';
import { diffConfig, hasChanges } from '../../src/daemon/apply/config-diff.js';
import { describe, it } from '../helpers/node-test.js';

const base = AppConfigSchema.parse({
  name: 'web',
  script: '/srv/app.js',
  cwd: '/srv',
  interpreter: 'node',
  exec_mode: 'cluster',
  instances: 2,
  env: { API_URL: 'http://a', OLD_SECRET: 'hunter2' },
  source_file: '/srv/ecosystem.config.js',
});

describe('config diff', () => {
  it('reports nothing for the same settings', () => {
    assert.equal(hasChanges(diffConfig(base, { ...base })), false);
  });

  it('names env variables added, removed and changed, without their values', () => {
    const next = { ...base, instances: 3, env: { API_URL: 'http://b', FEATURE: 'on' } };
    const changes = diffConfig(base, next);
    assert.deepEqual(changes, {
      added: ['env.FEATURE'],
      removed: ['env.OLD_SECRET'],
      changed: ['env.API_URL', 'instances'],
    });
    assert.doesNotMatch(JSON.stringify(changes), /hunter2|http:/);
  });

  it('counts a key going from null to a value as added, and back as removed', () => {
    const cron = { ...base, cron_restart: '0 3 * * *' };
    assert.deepEqual(diffConfig(base, cron).added, ['cron_restart']);
    assert.deepEqual(diffConfig(cron, base).removed, ['cron_restart']);
  });

  it('does not count where the file lives as a setting', () => {
    assert.equal(
      hasChanges(diffConfig(base, { ...base, source_file: '/srv/v2/ecosystem.config.js' })),
      false,
    );
  });
});
