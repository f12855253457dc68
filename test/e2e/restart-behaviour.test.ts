// Restarts of real processes: crash loops end in errored with the reason, clean exits listed in
// stop_exit_codes stay down, restart_delay is honoured, counts are exact.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from '../helpers/node-test.js';
import { createHome, fixture, holdsFor, waitFor } from '../helpers/shoal.js';

describe('restart behaviour', () => {
  it('marks a crash loop errored after exactly max_restarts restarts, with the reason and stderr', async (t) => {
    const home = createHome(t);
    await home.ok([
      'start',
      fixture('exit-code.js'),
      '--name',
      'crashy',
      '--no-wait',
      '--max-restarts',
      '4',
      '--',
      '2',
    ]);
    const p = await waitFor('errored', async () => (await home.list()).find((x) => x.status === 'errored'));
    assert.equal(p.restarts, 4);
    const [d] = await home.describe('crashy');
    assert.ok(d);
    assert.match(d.status_reason, /crash loop/);
    assert.match(d.status_reason, /exited with code 2/);
    assert.equal(d.last_exit?.code, 2);
    assert.ok(d.recent_stderr.some((l) => l.includes('exiting with 2')));
    const text = await home.ok(['describe', 'crashy']);
    assert.match(text.stdout, /errored/);
    assert.match(text.stdout, /last stderr lines/);
    // The count stays exact: a further restart would come at once (no restart_delay), so a second of
    // watching is many times what it would take.
    await holdsFor(
      '4 restarts and errored',
      async () => {
        const [q] = await home.list();
        return q?.restarts === 4 && q.status === 'errored';
      },
      { forMs: 1000 },
    );
  });

  it('does not restart an exit code listed in stop_exit_codes', async (t) => {
    const home = createHome(t);
    await home.ok([
      'start',
      fixture('exit-code.js'),
      '--name',
      'clean',
      '--stop-exit-codes',
      '0,3',
      '--',
      '3',
      '200',
    ]);
    const p = await waitFor('stopped', async () => (await home.list()).find((x) => x.status === 'stopped'));
    assert.equal(p.restarts, 0);
    assert.match((await home.describe('clean'))[0]!.status_reason, /stop_exit_codes/);
  });

  it('restarts an app that exits normally when its code is not listed, and counts it', async (t) => {
    const home = createHome(t);
    await home.ok([
      'start',
      fixture('exit-code.js'),
      '--name',
      'zero',
      '--no-wait',
      '--min-uptime',
      '50',
      '--',
      '0',
      '100',
    ]);
    await waitFor('two restarts', async () => ((await home.list())[0]?.restarts ?? 0) >= 2);
  });

  it('honours restart_delay between runs', async (t) => {
    const home = createHome(t);
    const stamps = join(home.dir, 'stamps');
    writeFileSync(stamps, '');
    const script = join(home.dir, 'stamp.js');
    writeFileSync(
      script,
      `require('fs').appendFileSync(${JSON.stringify(stamps)}, Date.now() + '\\n'); setTimeout(() => process.exit(1), 20);`,
    );
    await home.ok([
      'start',
      script,
      '--name',
      'delayed',
      '--no-wait',
      '--restart-delay',
      '700',
      '--interpreter',
      'node',
    ]);
    const times = await waitFor('three runs', async () => {
      const { readFileSync } = await import('node:fs');
      const lines = readFileSync(stamps, 'utf8').trim().split('\n').filter(Boolean).map(Number);
      return lines.length >= 3 ? lines : null;
    });
    for (let i = 1; i < times.length; i++)
      assert.ok(times[i]! - times[i - 1]! >= 700, `gap ${i} is ${times[i]! - times[i - 1]!} ms`);
    await home.ok(['stop', 'delayed']);
    assert.equal((await home.list())[0]!.status, 'stopped');
  });

  it('does not restart an app with autorestart off', async (t) => {
    const home = createHome(t);
    await home.ok([
      'start',
      fixture('exit-code.js'),
      '--name',
      'once',
      '--no-wait',
      '--no-autorestart',
      '--',
      '1',
      '100',
    ]);
    const p = await waitFor('stopped', async () => (await home.list()).find((x) => x.status === 'stopped'));
    assert.equal(p.restarts, 0);
    assert.equal(p.last_exit?.code, 1);
  });

  it('reports a spawn failure (missing interpreter) as errored, not as a daemon crash', async (t) => {
    const home = createHome(t);
    await home.run([
      'start',
      fixture('forever.js'),
      '--name',
      'badinterp',
      '--interpreter',
      '/nonexistent/bin/node',
      '--max-restarts',
      '2',
    ]);
    const p = await waitFor('errored', async () => (await home.list()).find((x) => x.status === 'errored'));
    assert.match(p.last_exit?.reason ?? '', /cannot start/);
    assert.equal((await home.run(['ping'])).code, 0);
  });
});
