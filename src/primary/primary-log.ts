// The primary's own log: one line per event on stderr, which the daemon points at SHOAL_HOME/run/<app>.log.
export function log(event: string, fields: Record<string, unknown> = {}): void {
  process.stderr.write(`${new Date().toISOString()} ${event} ${JSON.stringify(fields)}\n`);
}
