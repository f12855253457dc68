// The one-way handshake of a daemon started in the background by the CLI (cli/daemon-launch.ts): over
// the IPC channel of the spawn, the daemon says it serves, or that another daemon already does, then
// disconnects. Anything else on that channel is ignored.
export const DaemonStart = {
  ready: (pid: number) => ({ type: 'ready', pid }) as const,
  alreadyRunning: () => ({ type: 'already-running' }) as const,
};

export type DaemonStartMessage = ReturnType<(typeof DaemonStart)[keyof typeof DaemonStart]>;

/** True when the daemon's message means the CLI can go on and connect to the socket. */
export function isDaemonUp(message: unknown): boolean {
  const type = (message as { type?: unknown } | null)?.type;
  return type === 'ready' || type === 'already-running';
}

/**
 * Set by `shoal daemon --foreground --resurrect` before it runs the daemon in its own process; read once
 * and removed by the daemon's boot-resurrect feature, so nothing started later inherits it.
 */
export const RESURRECT_ON_START_ENV = 'SHOAL_RESURRECT_ON_START';
