// Hang detection, inside the app process. The event loop sends a heartbeat to the supervisor several
// times per hang_timeout; a supervisor that hears none for hang_timeout takes the process out of
// service and replaces it (supervision/heartbeat.ts). A blocked loop cannot explain itself, so a small
// watchdog thread watches the same heartbeat through shared memory and, once it is late, interrupts
// the loop through the inspector to write a diagnostic report with the JavaScript stack that blocks
// it (hang-watchdog-thread.ts). The thread costs about 6 MB of private memory and some 50 ms of CPU to
// start, so it starts a moment after the process does (protocol/heartbeat.ts, docs/cluster.md);
// hang_timeout false turns both off.
import { Worker } from 'node:worker_threads';
import { fromApp } from '../protocol/app-messages.js';
import { heartbeatInterval, watchdogStartDelay } from '../protocol/heartbeat.js';

// The CommonJS stub the build writes next to this file (scripts/bundle.js): the thread starts without
// Node's ES module loader. Processes only ever load the built preload, as WORKER_PRELOAD does.
const THREAD_ENTRY = new URL('./hang-watchdog-thread.cjs', import.meta.url);

export function startHangWatchdog(): void {
  const timeoutMs = Number(process.env.SHOAL_HANG_TIMEOUT_MS ?? 0);
  if (!(timeoutMs > 0) || typeof process.send !== 'function') return;
  const beat = new BigInt64Array(new SharedArrayBuffer(8));
  const tick = () => {
    Atomics.store(beat, 0, BigInt(Date.now()));
    if (process.connected) process.send?.(fromApp.beat(), undefined, {}, () => {});
  };
  tick();
  setInterval(tick, heartbeatInterval(timeoutMs)).unref();

  const prefix = process.env.SHOAL_HANG_REPORT_PREFIX;
  if (!prefix) return;
  // Never what keeps the app alive: an app that is done exits before its watchdog ever starts.
  setTimeout(
    () => startThread(beat, timeoutMs, `${prefix}-${process.pid}.json`),
    watchdogStartDelay(timeoutMs),
  ).unref();
}

function startThread(beat: BigInt64Array, timeoutMs: number, reportPath: string): void {
  try {
    const thread = new Worker(THREAD_ENTRY, {
      workerData: { beat: beat.buffer, timeoutMs, reportPath },
      // The thread must never be what keeps an app alive, nor print into the app's output.
      stdout: true,
      stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 2 },
      // Not the app's flags: they hold --require of this preload, which would load again in the thread.
      execArgv: [],
    });
    thread.unref();
    thread.on('error', () => {});
  } catch {
    // No worker threads (a restricted runtime): hangs are still found and replaced, without a report.
  }
}
