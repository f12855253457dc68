// Process plumbing for the bench: timed commands with a hard bound, /proc readings, bounded polling, and
// the cleanup that must run even when a measurement fails. Every process the bench starts inherits
// RUN_MARK in its environment, so a last sweep can find (by pid) anything a manager left behind.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const APPS = join(ROOT, 'bench', 'apps');
export const app = (name: string) => join(APPS, name);

export const RUN_MARK = `${process.pid}-${Date.now()}`;
const MARK_VAR = 'SHOAL_BENCH_RUN';
process.env[MARK_VAR] = RUN_MARK;

export const TIME_BIN = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export const nowMs = () => performance.now();

export interface CmdResult {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  /** Peak resident set of the command, from /usr/bin/time, when asked for and available. */
  peakRssKb: number | null;
  timedOut: boolean;
}

let timeFileSeq = 0;

/** Runs a command to completion, killing it after timeoutMs; never rejects. */
export function runCmd(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs: number; measureRss?: boolean },
): Promise<CmdResult> {
  const timeFile =
    opts.measureRss && TIME_BIN ? join(tmpdir(), `shoal-bench-time-${RUN_MARK}-${timeFileSeq++}`) : null;
  const [file, argv] = timeFile ? [TIME_BIN!, ['-f', '%M', '-o', timeFile, cmd, ...args]] : [cmd, args];
  return new Promise((resolve) => {
    const started = nowMs();
    const child = spawn(file, argv, {
      env: opts.env ?? process.env,
      cwd: opts.cwd ?? ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    const finish = (code: number | null) => {
      clearTimeout(timer);
      const wallMs = nowMs() - started;
      let peakRssKb: number | null = null;
      if (timeFile) {
        try {
          // The file may hold "Command exited with non-zero status N" before the figure.
          const last = readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '';
          peakRssKb = Number(last) || null;
        } catch {
          peakRssKb = null;
        }
        rmSync(timeFile, { force: true });
      }
      resolve({ code, stdout, stderr, wallMs, peakRssKb, timedOut });
    };
    child.on('error', (err) => {
      stderr += String(err);
      finish(null);
    });
    child.on('close', (code) => finish(code));
  });
}

/** Polls condition until it returns a truthy value; throws naming what was awaited after timeoutMs. */
export async function waitFor<T>(
  what: string,
  condition: () => T | Promise<T>,
  opts: { timeoutMs: number; intervalMs?: number },
): Promise<NonNullable<T>> {
  const deadline = nowMs() + opts.timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as NonNullable<T>;
      last = value;
    } catch (err) {
      last = err;
    }
    if (nowMs() > deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${what}; last: ${detail}`);
    }
    await sleep(opts.intervalMs ?? 50);
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

/** Resident set of a process in kB from /proc, or null when it is gone. */
export function rssKb(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
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

export function killPid(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

function environOf(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

/** Pids (other than ours) whose environment holds the exact entry `entry` (e.g. "PM2_HOME=/tmp/x"). */
export function pidsWithEnv(entry: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    if (environOf(pid).includes(entry)) pids.push(pid);
  }
  return pids;
}

/** Pids of every process this bench run started, directly or through a manager. */
export function markedPids(): number[] {
  return pidsWithEnv(`${MARK_VAR}=${RUN_MARK}`);
}

/** SIGKILLs, by pid, every live process whose environment holds `entry`; returns how many. */
export function sweepEnv(entry: string): number {
  const pids = pidsWithEnv(entry);
  for (const pid of pids) killPid(pid);
  return pids.length;
}

// Cleanups run in reverse registration order, on success, failure and interruption alike. Those marked
// `untilExit` (the build snapshot) survive the cleanup between parts and run only at the very end.
const cleanups: Array<{ what: string; fn: () => unknown | Promise<unknown>; untilExit: boolean }> = [];

export function onCleanup(
  what: string,
  fn: () => unknown | Promise<unknown>,
  opts: { untilExit?: boolean } = {},
): () => void {
  const entry = { what, fn, untilExit: opts.untilExit ?? false };
  cleanups.push(entry);
  return () => {
    const i = cleanups.indexOf(entry);
    if (i !== -1) cleanups.splice(i, 1);
  };
}

/** Runs the cleanups (all of them when `final`), then kills by pid any process of this run still alive. */
export async function runCleanups(final = false): Promise<void> {
  for (let i = cleanups.length - 1; i >= 0; i--) {
    const entry = cleanups[i];
    if (!entry || (entry.untilExit && !final)) continue;
    cleanups.splice(i, 1);
    try {
      await Promise.race([Promise.resolve().then(entry.fn), sleep(30_000)]);
    } catch (err) {
      process.stderr.write(`bench: cleanup "${entry.what}" failed: ${(err as Error).message}\n`);
    }
  }
  const left = sweepEnv(`${MARK_VAR}=${RUN_MARK}`);
  if (left > 0) process.stderr.write(`bench: killed ${left} leftover process(es) of this run\n`);
}
