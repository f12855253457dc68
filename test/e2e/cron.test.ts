// cron_restart: apps restart on schedule (a per-second pattern here), a stopped one-shot job is started
// again on each tick, and an invalid pattern is refused when the app is loaded.
import assert from 'node:assert/strict';
import { describe, it } from '../helpers/node-test.js';
import { createHome, fixture, waitFor } from '../helpers/shoal.js';

describe('cron_restart', () => {
  it('restarts an app on a per-second schedule', async (t) => {
    const home = createHome(t);
    await home.ok(['start', fixture('forever.js'), '--name', 'ticker', '--cron', '*/2 * * * * *']);
    await waitFor('two scheduled restarts', async () => ((await home.list())[0]?.restarts ?? 0) >= 2, {
      timeoutMs: 20_000,
    });
    const [p] = await home.list();
    assert.equal(p?.last_restart_reason, 'cron_restart "*/2 * * * * *"');
    assert.equal(p?.status, 'online');
  });

  it('starts a job that exited (autorestart off) again on each tick', async (t) => {
    const home = createHome(t);
    await home.ok([
      'start',
      fixture('exit-code.js'),
      '--name',
      'job',
      '--no-autorestart',
      '--cron',
      '*/2 * * * * *',
      '--',
      '0',
    ]);
    await waitFor('the job to run twice more', async () => ((await home.list())[0]?.restarts ?? 0) >= 2, {
      timeoutMs: 20_000,
    });
  });

  it('refuses an invalid pattern when the app is loaded, naming the flag, and starts nothing', async (t) => {
    const home = createHome(t);
    const res = await home.run([
      'start',
      fixture('forever.js'),
      '--name',
      'badcron',
      '--cron',
      'every tuesday',
    ]);
    assert.equal(res.code, 1);
    assert.match(
      res.stderr,
      /^shoal: start options: app "badcron": option --cron: expected a cron pattern .*got "every tuesday" \[SHOAL_ERR_CONFIG_INVALID\]$/m,
    );
    assert.deepEqual(await home.list(), []);
  });
});
