// How often an app's event loop says it still runs, for a given hang_timeout: four beats per timeout,
// between 100 ms and 5 s, so that one late timer never counts as a hang and a long timeout costs
// almost nothing. Shared by the preload that beats and the supervisor that listens.
export function heartbeatInterval(hangTimeoutMs: number): number {
  return Math.max(100, Math.min(5000, Math.floor(hangTimeoutMs / 4)));
}

/** The longest a process lives before its watchdog thread starts (see watchdogStartDelay). */
export const WATCHDOG_START_MAX_MS = 10_000;

/**
 * How long after its start a process starts the watchdog thread that writes hang reports: hang_timeout,
 * at most 10 s, stretched by up to as much again at random. Starting the thread (a V8 isolate of its
 * own) costs some 50 ms of CPU; paid at once, it competed with the app's own start and with every
 * sibling's: 200 Node apps started together on 2 cores took 13.6 to 15.8 s with it and 8.9 s without.
 * The spread keeps a mass start's threads from all starting in the same instant. Until the thread is
 * up, a hang is found and the process replaced all the same, without a report.
 */
export function watchdogStartDelay(hangTimeoutMs: number, random: () => number = Math.random): number {
  const base = Math.min(hangTimeoutMs, WATCHDOG_START_MAX_MS);
  return Math.round(base * (1 + random()));
}

/**
 * Whether a process's watchdog thread can be up, for a loop that ran `loopRanMs` after the process
 * started before it blocked: a timer cannot fire on a blocked loop, and the thread's timer is never
 * due before the shortest delay watchdogStartDelay gives.
 */
export function watchdogMayBeUp(loopRanMs: number, hangTimeoutMs: number): boolean {
  return loopRanMs >= Math.min(hangTimeoutMs, WATCHDOG_START_MAX_MS);
}
