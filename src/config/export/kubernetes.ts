// `shoal export kubernetes`: a Deployment per app whose pods run `shoal run` for that app, and a Service
// when the app's port is known. The mapping (docs/containers.md): env as container env, kill_timeout to
// terminationGracePeriodSeconds (plus a preStop pause so endpoints drain first), max_memory_restart to
// resources.limits.memory, health_check (or Shoal's /readyz) to the readiness probe and Shoal's /healthz
// to the liveness probe, instances to workers in one pod or to replicas (--scale-by).
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
  PRE_STOP_SECONDS,
  portOf,
  runCommand,
} from './export-settings.js';

export type KubeObject = Record<string, unknown> & { apiVersion: string; kind: string };

function labelsOf(app: AppConfig): Record<string, string> {
  return { 'app.kubernetes.io/name': dnsName(app.name), 'app.kubernetes.io/managed-by': 'shoal' };
}

export function deploymentOf(app: AppConfig, opts: ExportOptions): KubeObject {
  const name = dnsName(app.name);
  const port = portOf(app);
  const check = healthCheckOf(app);
  const memory = memoryLimitBytes(app, opts.scaleBy);
  const { replicas } = layout(app, opts.scaleBy);
  const ports = [
    ...(port !== null ? [{ name: 'http', containerPort: port, protocol: 'TCP' }] : []),
    { name: 'shoal-health', containerPort: HEALTH_PORT, protocol: 'TCP' },
  ];
  const container: Record<string, unknown> = {
    name,
    image: opts.image,
    command: runCommand(app, opts),
    env: Object.entries(app.env).map(([k, value]) => ({ name: k, value })),
    ports,
    lifecycle: { preStop: { exec: { command: ['sleep', String(PRE_STOP_SECONDS)] } } },
    readinessProbe: {
      httpGet: check ? { path: check.path, port: check.port } : { path: '/readyz', port: HEALTH_PORT },
      periodSeconds: 5,
      failureThreshold: 2,
    },
    livenessProbe: {
      httpGet: { path: '/healthz', port: HEALTH_PORT },
      periodSeconds: 10,
      failureThreshold: 3,
    },
    // Up to listen_timeout for the first ready, before liveness counts.
    startupProbe: {
      httpGet: { path: '/healthz', port: HEALTH_PORT },
      periodSeconds: 2,
      failureThreshold: Math.max(5, Math.ceil(app.listen_timeout / 2000) + 5),
    },
  };
  if (memory !== null) container.resources = { limits: { memory: mebibytes(memory) } };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: labelsOf(app) },
    spec: {
      replicas,
      selector: { matchLabels: { 'app.kubernetes.io/name': name } },
      // Rolling: one new pod ready before an old one goes, like `shoal reload` one worker at a time.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels: labelsOf(app) },
        spec: { terminationGracePeriodSeconds: graceSeconds(app), containers: [container] },
      },
    },
  };
}

export function serviceOf(app: AppConfig): KubeObject | null {
  const port = portOf(app);
  if (port === null) return null;
  const name = dnsName(app.name);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, labels: labelsOf(app) },
    spec: {
      selector: { 'app.kubernetes.io/name': name },
      ports: [{ name: 'http', port, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

export function kubernetesObjects(apps: readonly AppConfig[], opts: ExportOptions): KubeObject[] {
  return apps.flatMap((app) => {
    const service = serviceOf(app);
    return service ? [deploymentOf(app, opts), service] : [deploymentOf(app, opts)];
  });
}
