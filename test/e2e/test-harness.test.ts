// The harness itself, proved on small test files run by a nested node --test with the runner's flags: a
// process warning fails the test that caused it, a hung test fails with its name after its timeout, and
// a Node warning printed by a real daemon fails the test through createHome's cleanup.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from '../helpers/node-test.js';
import { ROOT } from '../helpers/shoal.js';

const helper = (name: string) => JSON.stringify(join(ROOT, 'test', 'helpers', name));

interface Run {
  code: number | null;
  output: string;
}

/** Runs one test file the way scripts/run-tests.js does (tsx, the warning preload, spec reporter). */
function runTestFile(
  t: { after(fn: () => unknown): void },
  source: string,
  env: Record<string, string> = {},
): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'shoal-harness-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'sample.test.ts');
  // Set in this process by the runner: left in, the nested runner would take itself for a runner's child.
  const { NODE_TEST_CONTEXT: _, ...parentEnv } = process.env;
  writeFileSync(file, source);
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      './test/setup/fail-on-warning.ts',
      '--test',
      '--test-reporter=spec',
      '--test-timeout=60000',
      file,
    ],
    { cwd: ROOT, env: { ...parentEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  t.after(() => child.kill('SIGKILL'));
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

/** The spec reporter's line for a test, e.g. "✖ leaks a listener (3.1ms)". */
const resultOf = (output: string, name: string) =>
  output.split('\n').find((l) => l.includes(name) && /[✔✖]/.test(l));

describe('test harness', () => {
  it('fails the test that emitted a process warning, and only that one', async (t) => {
    const run = await runTestFile(
      t,
      `import { EventEmitter } from 'node:events';
      import { it } from ${helper('node-test.js')};
      it('stays quiet', () => {});
      it('leaks a listener', () => {
        const e = new EventEmitter();
        for (let i = 0; i < 11; i++) e.on('tick', () => {});
      });
      it('comes after', () => {});`,
    );
    assert.equal(run.code, 1, run.output);
    assert.match(resultOf(run.output, 'leaks a listener') ?? '', /✖/, run.output);
    assert.match(run.output, /process warning\(s\) during this test:\s+MaxListenersExceededWarning/);
    assert.match(resultOf(run.output, 'stays quiet') ?? '', /✔/, run.output);
    assert.match(resultOf(run.output, 'comes after') ?? '', /✔/, run.output);
  });

  it('fails the file when a warning comes outside any test', async (t) => {
    const run = await runTestFile(
      t,
      `import { after, it } from ${helper('node-test.js')};
      it('passes', () => {});
      after(() => { process.emitWarning('late warning'); });`,
    );
    assert.equal(run.code, 1, run.output);
    assert.match(run.output, /process warning\(s\) outside any test of this file:\s+Warning: late warning/);
  });

  it('fails a hung test with its name after the per-test timeout', async (t) => {
    const run = await runTestFile(
      t,
      `import { it } from ${helper('node-test.js')};
      it('never ends', async (t) => {
        const timer = setInterval(() => {}, 1000);
        t.after(() => clearInterval(timer));
        await new Promise(() => {});
      });
      it('runs next', () => {});`,
      { SHOAL_TEST_TIMEOUT_MS: '500' },
    );
    assert.equal(run.code, 1, run.output);
    assert.match(resultOf(run.output, 'never ends') ?? '', /✖/, run.output);
    assert.match(run.output, /test timed out after 500ms/);
    assert.match(resultOf(run.output, 'runs next') ?? '', /✔/, run.output);
  });

  it("fails a test whose daemon printed a Node warning, quoting the daemon's log", async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'shoal-harness-preload-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    // Loaded by every Node process the nested test starts: the CLI and the daemon both warn.
    const warn = join(dir, 'warn.cjs');
    writeFileSync(warn, "process.emitWarning('deliberate warning for the harness test');\n");
    const run = await runTestFile(
      t,
      `import { it } from ${helper('node-test.js')};
      import { createHome } from ${helper('shoal.js')};
      it('pings a daemon that warns', async (t) => {
        const home = createHome(t);
        await home.ok(['ping'], { env: { NODE_OPTIONS: ${JSON.stringify(`--require ${warn}`)} } });
      });`,
    );
    assert.equal(run.code, 1, run.output);
    assert.match(resultOf(run.output, 'pings a daemon that warns') ?? '', /✖/, run.output);
    assert.match(run.output, /printed \d+ Node warning\(s\)/);
    assert.match(run.output, /shoal\.log:\d+: \(node:\d+\) Warning: deliberate warning for the harness test/);
    assert.match(run.output, /stderr of shoal ping: \(node:\d+\) Warning: deliberate warning/);
  });
});
