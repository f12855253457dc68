// The supervisor's half of hang detection: a process is hung when it is online, has sent heartbeats
// (worker/hang-watchdog.ts), and has sent none for hang_timeout. A process that never beats (not Node,
// no IPC channel, hang_timeout off) is never judged; startup and stopping are not judged either, since
// a process may block its loop while it loads and is on its way out while it stops.
import { readFile } from 'node:fs/promises';
import { isBeat } from '../protocol/app-messages.js';
import { heartbeatInterval } from '../protocol/heartbeat.js';
import { now } from './clock.js';
import type { ManagedProcess } from './managed-process.js';

/** Watches `proc` for as long as it exists; calls `onHung` once per hang. Returns the disposer. */
export function watchHeartbeat(proc: ManagedProcess, onHung: (blockedMs: number) => void): () => void {
  let lastBeat: number | null = null;
  let reported = false;
  const onMessage = (message: unknown) => {
    if (!isBeat(message)) return;
    lastBeat = now();
    reported = false;
  };
  const onTransition = () => {
    // A process that just came online may have blocked its loop while it loaded: its clock starts now.
    if (lastBeat !== null) lastBeat = now();
  };
  const onExit = () => {
    lastBeat = null;
    reported = false;
  };
  proc.on('message', onMessage);
  proc.on('transition', onTransition);
  proc.on('exit', onExit);
  const timeout = proc.app.hang_timeout;
  const timer =
    timeout > 0
      ? setInterval(() => {
          if (reported || lastBeat === null || proc.status !== 'online') return;
          const blocked = now() - lastBeat;
          if (blocked < proc.app.hang_timeout || proc.app.hang_timeout <= 0) return;
          reported = true;
          onHung(blocked);
        }, heartbeatInterval(timeout))
      : null;
  timer?.unref();
  return () => {
    if (timer) clearInterval(timer);
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
export async function reportWritten(path: string, boundMs = REPORT_WAIT_MS): Promise<boolean> {
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

/** The restart reason of a hung process, as `describe` shows it. */
export function hungReason(blockedMs: number): string {
  return `hung: event loop blocked for ${Math.round(blockedMs / 1000)} s`;
}
