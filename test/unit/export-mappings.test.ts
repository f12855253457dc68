// `shoal export`'s mappings from a process file: Kubernetes objects validated against Kubernetes' own
// schemas (kubernetes-models), the Compose file parsed back, the systemd unit's directives. The units
// are checked by `systemd-analyze verify` in test/e2e/export.test.ts.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Service } from 'kubernetes-models/v1/Service';
import { parse, stringify } from 'yaml';
import { describe, it } from '../helpers/node-test.js';
import { composeFile } from '../../src/config/export/compose.js';
import type { ExportOptions } from '../../src/config/export/export-settings.js';
import { kubernetesObjects } from '../../src/config/export/kubernetes.js';
import { unitOf } from '../../src/config/export/systemd.js';
import { loadProcessFile } from '../../src/config/index.js';
import type { AppConfig } from '../../src/protocol/app-config.js';
import { FIXTURES } from '../helpers/shoal.js';

const APPS = [
  {
    name: 'web',
    script: join(FIXTURES, 'http-hello.js'),
    instances: 3,
    env: { PORT: '3000' },
    env_production: { NODE_ENV: 'production' },
    max_memory_restart: '200M',
    kill_timeout: 8000,
    health_check: { path: '/health' },
  },
  {
    name: 'Queue_Worker',
    script: join(FIXTURES, 'forever.js'),
    exec_mode: 'fork',
    instances: 2,
    kill_signal: 'SIGTERM',
    max_restarts: 5,
    min_uptime: '2s',
    autorestart: true,
  },
];

async function load(t: { after: (fn: () => void) => void }): Promise<AppConfig[]> {
  const dir = mkdtempSync(join(tmpdir(), 'shoal-export-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'ecosystem.json');
  writeFileSync(file, JSON.stringify({ apps: APPS }));
  return (await loadProcessFile(file, { envName: 'production', cwd: dir })).apps;
}

const opts = (scaleBy: ExportOptions['scaleBy']): ExportOptions => ({
  processFile: 'ecosystem.json',
  envName: 'production',
  image: 'registry.example/shop:1.2',
  scaleBy,
});

type Container = {
  command: string[];
  env: { name: string; value: string }[];
  resources?: { limits: { memory: string } };
  readinessProbe: { httpGet: { path: string; port: number } };
  livenessProbe: { httpGet: { path: string; port: number } };
  lifecycle: { preStop: { exec: { command: string[] } } };
};
type PodSpec = { terminationGracePeriodSeconds: number; containers: Container[] };
type DeploymentShape = {
  metadata: { name: string };
  spec: { replicas: number; template: { spec: PodSpec } };
};

describe('shoal export kubernetes', () => {
  it('writes objects that Kubernetes schemas accept: a Deployment per app, a Service where a port is known', async (t) => {
    const objects = kubernetesObjects(await load(t), opts('workers'));
    assert.deepEqual(
      objects.map((o) => `${o.kind}/${(o.metadata as { name: string }).name}`),
      ['Deployment/web', 'Service/web', 'Deployment/queue-worker'],
    );
    for (const o of objects) {
      // Through YAML and back, as kubectl would read the printed output.
      const read = parse(stringify(o)) as Record<string, unknown>;
      if (o.kind === 'Deployment') new Deployment(read as never).validate();
      else new Service(read as never).validate();
    }
  });

  it('maps command, env, grace period, preStop, memory and probes', async (t) => {
    const [web] = kubernetesObjects(await load(t), opts('workers')) as unknown as DeploymentShape[];
    const pod = web!.spec.template.spec;
    const c = pod.containers[0]!;
    assert.deepEqual(c.command.slice(0, 8), [
      'npx',
      'shoal',
      'run',
      'ecosystem.json',
      '--only',
      'web',
      '--env',
      'production',
    ]);
    assert.deepEqual(c.env, [
      { name: 'PORT', value: '3000' },
      { name: 'NODE_ENV', value: 'production' },
    ]);
    assert.equal(
      pod.terminationGracePeriodSeconds,
      8 + 5 + 5,
      'kill_timeout, the preStop pause and a margin',
    );
    assert.deepEqual(c.lifecycle.preStop.exec.command, ['sleep', '5']);
    // 3 workers of 200 MiB each plus 128 MiB for Shoal's own processes.
    assert.equal(c.resources?.limits.memory, `${3 * 200 + 128}Mi`);
    assert.deepEqual(c.readinessProbe.httpGet, { path: '/health', port: 3000 }, "the app's health_check");
    assert.deepEqual(c.livenessProbe.httpGet, { path: '/healthz', port: 9615 }, "Shoal's supervisor");
    assert.equal(web!.spec.replicas, 1, 'N workers in one pod');
  });

  it('with --scale-by replicas: N pods of one process each, probed on /readyz without a health_check', async (t) => {
    const objects = kubernetesObjects(await load(t), opts('replicas')) as unknown as DeploymentShape[];
    const web = objects[0]!;
    const worker = objects[2]!;
    assert.equal(web.spec.replicas, 3);
    const c = web.spec.template.spec.containers[0]!;
    assert.deepEqual(c.command.slice(c.command.indexOf('-i'), c.command.indexOf('-i') + 2), ['-i', '1']);
    assert.equal(c.resources?.limits.memory, `${200 + 128}Mi`);
    assert.deepEqual(worker.spec.template.spec.containers[0]!.readinessProbe.httpGet, {
      path: '/readyz',
      port: 9615,
    });
  });
});

describe('shoal export compose', () => {
  it('parses back to services with the same mapping', async (t) => {
    const text = stringify(composeFile(await load(t), opts('workers')));
    const { services } = parse(text) as { services: Record<string, Record<string, unknown>> };
    assert.deepEqual(Object.keys(services), ['web', 'queue-worker']);
    const web = services.web!;
    assert.equal(web.image, 'registry.example/shop:1.2');
    assert.deepEqual((web.command as string[]).slice(2, 6), ['run', 'ecosystem.json', '--only', 'web']);
    assert.deepEqual(web.environment, { PORT: '3000', NODE_ENV: 'production' });
    assert.equal(web.stop_signal, 'SIGTERM');
    assert.equal(web.stop_grace_period, '18s');
    assert.equal(web.restart, 'on-failure');
    assert.deepEqual(web.ports, ['127.0.0.1:3000:3000'], 'published on the loopback only');
    assert.deepEqual(web.deploy, { resources: { limits: { memory: '728M' } } });
    assert.match((web.healthcheck as { test: string[] }).test.join(' '), /127\.0\.0\.1:3000\/health/);
  });
});

describe('shoal export systemd', () => {
  const sys = {
    ...opts('workers'),
    processFile: '/srv/shop/ecosystem.json',
    node: '/usr/bin/node',
    shoalBin: '/srv/shop/node_modules/shoal/bin/shoal.js',
    user: null,
  };

  it('runs a cluster app under shoal run with the restart, stop and memory settings', async (t) => {
    const [web] = await load(t);
    const unit = unitOf(web!, sys);
    assert.equal(unit.name, 'shoal-web.service');
    const lines = unit.text.split('\n');
    for (const line of [
      'ExecStart=/usr/bin/node /srv/shop/node_modules/shoal/bin/shoal.js run /srv/shop/ecosystem.json --only web --env production',
      'Restart=on-failure',
      'StartLimitBurst=16',
      'KillSignal=SIGTERM',
      'TimeoutStopSec=18',
      `MemoryMax=${(3 * 200 + 128) * 1024 * 1024}`,
      'Environment=NODE_ENV=production',
      'Environment=SHOAL_HOME=%S/shoal-web',
    ]) {
      assert.ok(lines.includes(line), `${line} in\n${unit.text}`);
    }
  });

  it('runs a fork app directly, one template instance per process, with its kill_signal', async (t) => {
    const [, worker] = await load(t);
    const unit = unitOf(worker!, sys);
    assert.equal(unit.name, 'shoal-queue-worker@.service');
    const lines = unit.text.split('\n');
    assert.ok(lines.includes(`ExecStart=/usr/bin/node ${join(FIXTURES, 'forever.js')}`), unit.text);
    assert.ok(lines.includes('KillSignal=SIGTERM'));
    assert.ok(lines.includes('StartLimitBurst=5'));
    assert.ok(lines.includes('StartLimitIntervalSec=12'), 'max_restarts + 1 runs of min_uptime (2 s)');
    assert.ok(lines.includes('Environment=NODE_APP_INSTANCE=%i'));
    assert.deepEqual(unit.enable, [
      'systemctl enable --now shoal-queue-worker@0.service',
      'systemctl enable --now shoal-queue-worker@1.service',
    ]);
  });
});
