// Test harness: a private SHOAL_HOME per test, the real `shoal` binary, bounded waits, and cleanup that
// runs even when a test fails (every daemon killed, every process it started gone, the home removed) and
// fails the test when Shoal's processes printed a Node warning.
import { type ExecFileException, execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { ProcessDetail, ProcessInfo } from '../../src/protocol/process-info.js';
import { warningLines, warningsInHome } from './node-warnings.js';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const BIN = join(ROOT, 'bin', 'shoal.js');
export const FIXTURES = join(ROOT, 'test', 'fixtures');
export const fixture = (name: string) => join(FIXTURES, name);

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class ShoalHome {
  readonly dir: string;
  /** Node warnings the CLI printed on stderr, for the cleanup to report. */
  readonly cliWarnings: string[] = [];
  constructor(dir: string) {
    this.dir = dir;
  }

  /** Writes a JSON process file (`{ apps: [...] }` and any top-level keys) into the home; returns its path. */
  writeProcessFile(content: object, name = 'apps.json'): string {
    const file = join(this.dir, name);
    writeFileSync(file, JSON.stringify(content));
    return file;
  }

  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return { ...process.env, SHOAL_HOME: this.dir, NO_COLOR: '1', ...extra };
  }

  /** Runs `shoal ...args` and resolves with its exit code and output (never rejects on a non-zero exit). */
  run(
    args: string[],
    opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number; input?: string } = {},
  ): Promise<RunResult> {
    return new Promise((resolve) => {
      const child = execFile(
        process.execPath,
        [BIN, ...args],
        {
          cwd: opts.cwd ?? ROOT,
          env: this.env(opts.env),
          timeout: opts.timeoutMs ?? 60_000,
          maxBuffer: 64 * 1024 * 1024,
        },
        (err: ExecFileException | null, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
          for (const w of warningLines(String(stderr)))
            this.cliWarnings.push(`stderr of shoal ${args.join(' ')}: ${w.text}`);
          resolve({ code, stdout: String(stdout), stderr: String(stderr) });
        },
      );
      // What the command reads on stdin (`shoal start -`); without it stdin stays open and empty.
      if (opts.input !== undefined) child.stdin?.end(opts.input);
    });
  }

  /** Like run, but fails the test with the command's stderr when it exits non-zero. */
  async ok(
    args: string[],
    opts: { cwd?: string; env?: Record<string, string>; input?: string } = {},
  ): Promise<RunResult> {
    const res = await this.run(args, opts);
    if (res.code !== 0)
      throw new Error(
        `shoal ${args.join(' ')} exited ${res.code}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`,
      );
    return res;
  }

  async list(): Promise<ProcessInfo[]> {
    return JSON.parse((await this.ok(['ls', '--json'])).stdout) as ProcessInfo[];
  }

  async describe(target: string): Promise<ProcessDetail[]> {
    return JSON.parse((await this.ok(['describe', target, '--json'])).stdout) as ProcessDetail[];
  }

  daemonPid(): number | null {
    try {
      return Number(readFileSync(join(this.dir, 'shoal.pid'), 'utf8').trim()) || null;
    } catch {
      return null;
    }
  }

  logPath(app: string, stream: 'out' | 'error' = 'out'): string {
    return join(this.dir, 'logs', `${app}-${stream}.log`);
  }
}

/**
 * A fresh SHOAL_HOME whose daemon and processes are killed when the test ends; the test then fails if
 * the daemon, a primary or the CLI printed a Node warning (the lines are in the failure).
 */
export function createHome(t: TestContext): ShoalHome {
  const home = new ShoalHome(mkdtempSync(join(tmpdir(), 'shoal-test-')));
  t.after(async () => {
    const pid = home.daemonPid();
    await home.run(['kill'], { timeoutMs: 30_000 });
    if (pid !== null) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    const warnings = [...home.cliWarnings, ...warningsInHome(home.dir)];
    if (!process.env.SHOAL_TESTS_KEEP_TMP) rmSync(home.dir, { recursive: true, force: true });
    if (warnings.length > 0) {
      throw new Error(
        `Shoal's processes printed ${warnings.length} Node warning(s) in ${home.dir}:\n${warnings.join('\n')}`,
      );
    }
  });
  return home;
}

/** Polls condition until it returns a truthy value; fails with what was awaited after timeoutMs. */
export async function waitFor<T>(
  what: string,
  condition: () => T | Promise<T>,
  opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  let last: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as NonNullable<T>;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${opts.timeoutMs ?? 20_000} ms waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`,
      );
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
}

/**
 * For what must not happen: checks condition over the whole of forMs and fails the moment it is false.
 * An absence can only be shown by watching for a while; this names what is watched and for how long.
 */
export async function holdsFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  opts: { forMs: number; intervalMs?: number },
): Promise<void> {
  const until = Date.now() + opts.forMs;
  for (;;) {
    if (!(await condition())) throw new Error(`${what} stopped holding before ${opts.forMs} ms had passed`);
    if (Date.now() >= until) return;
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
}

/** The direct children of a process (from /proc), or none when it is gone. */
export function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}
