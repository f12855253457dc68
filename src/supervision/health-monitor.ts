// health_check: every `interval`, an online process is probed (health-probe.ts); `failures` failed
// probes in a row and it is unhealthy, and its owner replaces it. A process is probed only while it is
// online, one probe at a time, and its count starts again with each run.
import type { AppConfig } from '../protocol/app-config.js';
import { probe, type ProbeResult } from './health-probe.js';
import type { ManagedProcess } from './managed-process.js';

type Check = NonNullable<AppConfig['health_check']>;

export async function probeProcess(proc: ManagedProcess, check: Check): Promise<ProbeResult> {
  const child = proc.handle;
  if (!child) return { ok: false, reason: 'not running' };
  try {
    return await probe(child, check);
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}

/** Watches `proc` while it exists; calls `onUnhealthy` once per run that fails. Returns the disposer. */
export function watchHealth(proc: ManagedProcess, onUnhealthy: (reason: string) => void): () => void {
  const check = proc.app.health_check;
  if (!check) return () => {};
  let failed = 0;
  let busy = false;
  let reported = false;
  let pid = proc.pid;
  const timer = setInterval(async () => {
    if (busy || proc.status !== 'online') return;
    if (proc.pid !== pid) {
      pid = proc.pid;
      failed = 0;
      reported = false;
    }
    if (reported) return;
    busy = true;
    const result = await probeProcess(proc, check);
    busy = false;
    if (proc.pid !== pid) return;
    if (result.ok) {
      failed = 0;
      return;
    }
    failed += 1;
    if (failed >= check.failures) {
      reported = true;
      onUnhealthy(`health check failed ${failed} times in a row (GET ${check.path}: ${result.reason})`);
    }
  }, check.interval);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * For reload: resolves null at the first good probe of `proc`, or the last probe's failure once
 * `boundMs` is over or the process has exited. Probes back to back, at most every 100 ms.
 */
export async function firstGoodProbe(proc: ManagedProcess, boundMs: number): Promise<string | null> {
  const check = proc.app.health_check;
  if (!check) return null;
  const deadline = Date.now() + boundMs;
  let last = 'no probe answered yet';
  while (Date.now() < deadline && proc.handle) {
    const started = Date.now();
    const result = await probeProcess(proc, check);
    if (result.ok) return null;
    last = result.reason;
    await new Promise((r) => setTimeout(r, Math.max(0, 100 - (Date.now() - started))));
  }
  return last;
}
