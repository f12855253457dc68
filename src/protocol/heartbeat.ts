// How often an app's event loop says it still runs, for a given hang_timeout: four beats per timeout,
// between 100 ms and 5 s, so that one late timer never counts as a hang and a long timeout costs
// almost nothing. Shared by the preload that beats and the supervisor that listens.
export function heartbeatInterval(hangTimeoutMs: number): number {
  return Math.max(100, Math.min(5000, Math.floor(hangTimeoutMs / 4)));
}
