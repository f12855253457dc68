// The supervisor's half of hang detection: a process is hung when it is online, has sent heartbeats
// (worker/hang-watchdog.ts), and has sent none for hang_timeout. A process that never beats (not Node,
// no IPC channel, hang_timeout off) is never judged; startup and stopping are not judged either, since
// a process may block its loop while it loads and is on its way out while it stops.
import { readFile } from 'node:fs/promises';
import { isBeat } from '../protocol/app-messages.js';
import { heartbeatInterval, watchdogMayBeUp } from '../protocol/heartbeat.js';
import { now } from './clock.js';
import type { ManagedProcess } from './managed-process.js';

/** Watches `proc` for as long as it exists; calls `onHung` once per hang. Returns the disposer. */
export function watchHeartbeat(proc: ManagedProcess, onHung: (blockedMs: number) => void): () => void {
  let lastBeat: number | null = null;
  let reported = false;
  const timeout = proc.app.hang_timeout;
  // The check runs only while the current run beats: a process that never beats (not Node, no IPC
  // channel) costs no timer, which matters with a thousand of them.
  let timer: NodeJS.Timeout | null = null;
  const check = () => {
    if (reported || lastBeat === null || proc.status !== 'online') return;
    const blocked = now() - lastBeat;
    if (blocked < proc.app.hang_timeout || proc.app.hang_timeout <= 0) return;
    reported = true;
    onHung(blocked);
  };
  const stopChecking = () => {
    if (timer) clearInterval(timer);
    timer = null;
  };
  const onMessage = (message: unknown) => {
    if (!isBeat(message)) return;
    lastBeat = now();
    reported = false;
    if (timer === null && timeout > 0) {
      timer = setInterval(check, heartbeatInterval(timeout));
      timer.unref();
    }
  };
  const onTransition = () => {
    // A process that just came online may have blocked its loop while it loaded: its clock starts now.
    if (lastBeat !== null) lastBeat = now();
  };
  const onExit = () => {
    lastBeat = null;
    reported = false;
    stopChecking();
  };
  proc.on('message', onMessage);
  proc.on('transition', onTransition);
  proc.on('exit', onExit);
  return () => {
    stopChecking();
    proc.off('message', onMessage);
    proc.off('transition', onTransition);
    proc.off('exit', onExit);
  };
}

/** Longest wait for a hung process's diagnostic report before it is killed anyway. */
const REPORT_WAIT_MS = 3_000;

/**
 * True once the report file holds a whole JSON document (Node writes it in pieces), within `boundMs`.
 * Polled: the writer is another process, and the wait is short and rare.
 */
async function reportWritten(path: string, boundMs = REPORT_WAIT_MS): Promise<boolean> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    try {
      JSON.parse(await readFile(path, 'utf8'));
      return true;
    } catch {
      if (Date.now() >= deadline) return false;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Waits (bounded) for the report of `proc`, hung for `blockedMs`, unless its watchdog thread cannot be
 * up: then no report will come and the process is replaced at once. The loop ran at least until the
 * last heartbeat, and at most one heartbeat interval beyond it.
 */
export async function hangReportWritten(
  proc: ManagedProcess,
  path: string,
  blockedMs: number,
): Promise<boolean> {
  const timeout = proc.app.hang_timeout;
  const ranMs = proc.startedAt === null ? 0 : now() - blockedMs - proc.startedAt + heartbeatInterval(timeout);
  return watchdogMayBeUp(ranMs, timeout) && reportWritten(path);
}

/** The restart reason of a hung process, as `describe` shows it. */
export function hungReason(blockedMs: number): string {
  return `hung: event loop blocked for ${Math.round(blockedMs / 1000)} s`;
}
