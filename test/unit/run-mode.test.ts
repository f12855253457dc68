// `shoal run`'s pure parts: when the run ends and with which code, what /readyz answers, the /proc
// stat parsing the orphan reaper relies on, and the spec handed from the CLI to the daemon.
import assert from 'node:assert/strict';
import { describe, it } from '../helpers/node-test.js';
import { readiness } from '../../src/daemon/run/health-server.js';
import { parseStat } from '../../src/daemon/run/orphan-reaper.js';
import { erroredExitCode, runVerdict } from '../../src/daemon/run/run-verdict.js';
import { RUN_SPEC_ENV, takeRunSpec } from '../../src/protocol/run-spec.js';
import type { ProcessStatus } from '../../src/protocol/process-info.js';

const exit = (code: number | null, signal: string | null = null) => ({
  code,
  signal,
  reason: 'x',
  at: 0,
  uptime: 10,
  requested: false,
});
const proc = (id: number, status: ProcessStatus, last_exit: ReturnType<typeof exit> | null = null) => ({
  id,
  name: `app${id}`,
  status,
  last_exit,
  status_reason: 'because',
});

describe('shoal run: when the run ends', () => {
  it('goes on while any process is live', () => {
    assert.deepEqual(runVerdict([proc(0, 'online'), proc(1, 'stopped', exit(0))]), { end: false });
    assert.deepEqual(runVerdict([proc(0, 'launching')]), { end: false });
    assert.deepEqual(runVerdict([proc(0, 'stopping')]), { end: false });
    assert.deepEqual(runVerdict([]), { end: false });
  });

  it('ends with 0 once every process has stopped after running', () => {
    const v = runVerdict([proc(0, 'stopped', exit(0)), proc(1, 'stopped', exit(null, 'SIGINT'))]);
    assert.deepEqual(v, { end: true, code: 0, why: 'every app has stopped' });
  });

  it('does not end while processes are stopped without having run (a primary setting them up)', () => {
    assert.deepEqual(runVerdict([proc(0, 'stopped'), proc(1, 'stopped')]), { end: false });
    assert.deepEqual(runVerdict([proc(0, 'stopped', exit(0)), proc(1, 'stopped')]), { end: false });
  });

  it('ends with the exit code of an errored process, even while others run', () => {
    const v = runVerdict([proc(0, 'online'), proc(1, 'errored', exit(3))]);
    assert.equal(v.end, true);
    assert.equal(v.end && v.code, 3);
    assert.match(v.end ? v.why : '', /app1 \(id 1\) errored: because/);
  });

  it('never ends an errored run with 0: signal gives 128+n, exit 0 or nothing known gives 1', () => {
    assert.equal(erroredExitCode(exit(null, 'SIGKILL')), 137);
    assert.equal(erroredExitCode(exit(null, 'SIGSEGV')), 139);
    assert.equal(erroredExitCode(exit(0)), 1);
    assert.equal(erroredExitCode(null), 1);
    assert.equal(erroredExitCode(exit(78)), 78);
  });
});

describe('shoal run: /readyz', () => {
  it('is ready only when there are processes and all are online', () => {
    assert.deepEqual(readiness([]), { ready: false, waiting: [] });
    assert.deepEqual(readiness([proc(0, 'online'), proc(1, 'online')]), { ready: true, waiting: [] });
    assert.deepEqual(readiness([proc(0, 'online'), proc(1, 'launching')]), {
      ready: false,
      waiting: ['app1 (id 1): launching'],
    });
  });
});

describe('shoal run: orphan reaper', () => {
  it('reads state and parent pid from a stat line, whatever the command name holds', () => {
    assert.deepEqual(parseStat('42 (node) Z 1 42 42 0 -1'), { state: 'Z', ppid: 1 });
    assert.deepEqual(parseStat('43 (a b) (c)) S 7 43 43 0 -1'), { state: 'S', ppid: 7 });
    assert.equal(parseStat('garbage'), null);
  });
});

describe('shoal run: the spec handed to the daemon', () => {
  it('is read once, validated, and removed so no app inherits it', () => {
    const app = {
      name: 'web',
      script: '/srv/app.js',
      cwd: '/srv',
      interpreter: 'node',
      exec_mode: 'fork',
      instances: 1,
    };
    const env: NodeJS.ProcessEnv = {
      [RUN_SPEC_ENV]: JSON.stringify({ apps: [app], cli_env: {}, json_logs: true, health: null }),
    };
    const spec = takeRunSpec(env);
    assert.equal(spec?.apps[0]?.name, 'web');
    assert.equal(spec?.json_logs, true);
    assert.equal(env[RUN_SPEC_ENV], undefined);
    assert.equal(takeRunSpec(env), null);
  });

  it('refuses a spec that does not match the schema', () => {
    const env: NodeJS.ProcessEnv = { [RUN_SPEC_ENV]: JSON.stringify({ apps: [], json_logs: 'yes' }) };
    assert.throws(() => takeRunSpec(env));
  });
});
