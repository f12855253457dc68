// The list row a fork process gets straight from its ManagedProcess (forkInfo) must be exactly the list
// view of its full record (infoOf(processRecord(stateOf(p)))): `ls` and `describe` must never disagree.
import assert from 'node:assert/strict';
import { AppConfigSchema } from '../../src/protocol/app-config.js';
import { infoOf } from '../../src/protocol/process-info.js';
import { forkInfo, logPathsOf, processRecord } from '../../src/daemon/process-record.js';
import { ManagedProcess } from '../../src/supervision/managed-process.js';
import { logPath } from '../../src/supervision/log-paths.js';
import { stateOf } from '../../src/supervision/process-view.js';
import { FakeLauncher } from '../helpers/fake-child.js';
import { describe, it } from '../helpers/node-test.js';

const app = (overrides: Record<string, unknown> = {}) =>
  AppConfigSchema.parse({
    name: 'rows',
    script: '/srv/rows/app.js',
    cwd: '/srv/rows',
    interpreter: 'node',
    exec_mode: 'fork',
    instances: 2,
    ...overrides,
  });

const sample = { cpu: 12.5, memory: 4096, cpuSeconds: 3, at: 0 };

function rowsOf(p: ManagedProcess, s: typeof sample | undefined) {
  const full = infoOf(processRecord(stateOf(p), p.app, '/home/shoal', s));
  const fast = forkInfo(p, s);
  // uptime is read from the clock in each: compare it within the time the two calls took.
  assert.ok(Math.abs(full.uptime - fast.uptime) < 1000);
  return { full: { ...full, uptime: 0 }, fast: { ...fast, uptime: 0 } };
}

describe('process record: the list row of a fork process', () => {
  it('equals the list view of the full record, field for field, before start, online and after exits', async () => {
    const launcher = new FakeLauncher({});
    const p = new ManagedProcess(7, 1, app(), launcher.launch, {
      out: null,
      err: null,
      timestamp: null,
      json: false,
    });
    let { full, fast } = rowsOf(p, undefined);
    assert.deepEqual(Object.keys(fast).sort(), Object.keys(full).sort());
    assert.deepEqual(fast, full);
    p.start();
    p.listening.push('*:3000');
    ({ full, fast } = rowsOf(p, sample));
    assert.deepEqual(fast, full);
    assert.equal(fast.status, 'online');
    assert.equal(fast.cpu, 12.5);
    launcher.current.exit({ code: 2, signal: null });
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    p.logDropped = { lines: 3, since: 1, reason: 'ENOSPC' };
    ({ full, fast } = rowsOf(p, undefined));
    assert.deepEqual(fast, full);
    assert.equal(fast.restarts, 1);
    assert.notEqual(fast.last_exit, null);
    await p.stop();
  });

  it('keeps the log paths logPath gives, per config and instance', () => {
    const a = app({ merge_logs: false });
    const b = app({ out_file: '/var/log/rows.log', merge_logs: false });
    for (const config of [a, b])
      for (const instance of [0, 1])
        assert.deepEqual(logPathsOf(config, '/home/shoal', instance), [
          logPath(config, '/home/shoal', 'out', instance),
          logPath(config, '/home/shoal', 'err', instance),
        ]);
    assert.notDeepEqual(logPathsOf(a, '/home/shoal', 0), logPathsOf(a, '/home/shoal', 1));
    assert.notDeepEqual(logPathsOf(a, '/home/shoal', 0), logPathsOf(a, '/home/other', 0));
  });
});
