// `shoal export compose`: a Docker Compose service per app, with the mapping of the Kubernetes export:
// `shoal run` of the app as command, env, the stop grace period from kill_timeout, the memory limit
// from max_memory_restart, a health check on Shoal's /readyz (or the app's health_check), the port
// published on the host's loopback only, and replicas when scaling by copies.
import type { AppConfig } from '../../protocol/app-config.js';
import {
  dnsName,
  type ExportOptions,
  graceSeconds,
  HEALTH_PORT,
  healthCheckOf,
  layout,
  mebibytes,
  memoryLimitBytes,
  portOf,
  runCommand,
} from './export-settings.js';

/** A probe without curl (Node images have none): Node's own fetch, exit 0 on a 2xx answer. */
function probe(port: number, path: string): string[] {
  const url = `http://127.0.0.1:${port}${path}`;
  return [
    'CMD',
    'node',
    '-e',
    `fetch('${url}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
  ];
}

export function composeService(app: AppConfig, opts: ExportOptions): Record<string, unknown> {
  const port = portOf(app);
  const check = healthCheckOf(app);
  const memory = memoryLimitBytes(app, opts.scaleBy);
  const { replicas } = layout(app, opts.scaleBy);
  const service: Record<string, unknown> = {
    image: opts.image,
    command: runCommand(app, opts),
    environment: { ...app.env },
    stop_signal: 'SIGTERM',
    stop_grace_period: `${graceSeconds(app)}s`,
    restart: app.autorestart ? 'on-failure' : 'no',
    healthcheck: {
      test: check ? probe(check.port, check.path) : probe(HEALTH_PORT, '/readyz'),
      interval: '5s',
      timeout: '3s',
      retries: 3,
      start_period: `${Math.ceil(app.listen_timeout / 1000) + 2}s`,
    },
  };
  // A published port with replicas would clash on the host; replicas sit behind a proxy instead.
  if (port !== null && replicas === 1) service.ports = [`127.0.0.1:${port}:${port}`];
  else if (port !== null) service.expose = [String(port)];
  const deploy: Record<string, unknown> = {};
  if (replicas > 1) deploy.replicas = replicas;
  if (memory !== null) deploy.resources = { limits: { memory: mebibytes(memory).replace('Mi', 'M') } };
  if (Object.keys(deploy).length > 0) service.deploy = deploy;
  return service;
}

export function composeFile(apps: readonly AppConfig[], opts: ExportOptions): Record<string, unknown> {
  return { services: Object.fromEntries(apps.map((a) => [dnsName(a.name), composeService(a, opts)])) };
}
