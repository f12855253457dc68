// The environment of Shoal's own processes (the daemon, a cluster primary): the caller's, less what only
// makes Node do start-up work those processes never use. Apps keep every variable: fork apps and cluster
// workers are spawned with the env the CLI sent (launch-spec.ts), never with the daemon's or primary's own.

/**
 * NODE_EXTRA_CA_CERTS makes Node read and parse the named certificate file as it starts, before any
 * JavaScript runs. With a system bundle of some 140 certificates that is about 90 ms of CPU and 1 MB of
 * private memory in every process (Node 20; bench/RESULTS.md, "Cold start"). Neither the daemon nor a
 * primary opens a TLS connection; a Shoal process that ever does must keep it.
 */
const UNUSED_BY_OWN_PROCESSES: readonly string[] = ['NODE_EXTRA_CA_CERTS'];

export function ownProcessEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const own = { ...env };
  for (const key of UNUSED_BY_OWN_PROCESSES) delete own[key];
  return own;
}
