// Starts the web dashboard and /metrics (src/web/) inside the daemon, on 127.0.0.1:SHOAL_WEB_PORT
// (default 9716, 0 = off). A port already taken is logged and the daemon goes on without the dashboard:
// the apps matter more than their charts.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createToken } from '../../web/auth-token.js';
import { allowedHosts } from '../../web/loopback-guard.js';
import { lazyHandler } from '../../web/lazy-handler.js';
import type { WebBackend } from '../../web/routes.js';
import { startWebServer, type WebServer } from '../../web/server.js';
import { log } from '../daemon-log.js';
import type { Supervisor } from '../supervisor.js';
import type { DaemonFeature } from './feature.js';
import { usableCpus } from '../../usable-cpus.js';

export const DEFAULT_WEB_PORT = 9716;

export interface WebEndpoint {
  url: string | null;
  token_file: string | null;
  off_reason: string | null;
}

/** SHOAL_WEB_PORT as a port number, 0 for off, or null when it is not a valid port. */
export function webPortFromEnv(value: string | undefined): number | null {
  if (value === undefined || value.trim() === '') return DEFAULT_WEB_PORT;
  if (!/^\d+$/.test(value.trim())) return null;
  const port = Number(value);
  return port <= 65535 ? port : null;
}

export function webFeature(): DaemonFeature {
  let server: WebServer | null = null;
  /** What the `web` request answers. */
  let endpoint: WebEndpoint = { url: null, token_file: null, off_reason: null };
  /** Off, and why: the reason `shoal dashboard` gives (also logged to shoal.log). */
  const off = (why: string, event: string, fields: Record<string, unknown> = {}) => {
    endpoint = { url: null, token_file: null, off_reason: why };
    log(event, { why, ...fields });
  };
  return {
    name: 'web',
    answers: { web: () => endpoint },
    async start({ supervisor, paths }) {
      const port = webPortFromEnv(process.env.SHOAL_WEB_PORT);
      if (port === null) {
        const value = process.env.SHOAL_WEB_PORT;
        return off(`SHOAL_WEB_PORT=${value} is not a port number (0 to 65535)`, 'web.disabled');
      }
      if (port === 0) return off('SHOAL_WEB_PORT=0 turns it off', 'web.disabled');
      const tokenFile = join(paths.root, 'web-token');
      const token = createToken(tokenFile);
      try {
        const hosts = allowedHosts(port);
        // The port is taken now, the router's code when the first request comes (see lazy-handler.ts).
        const router = lazyHandler(async () => {
          const { createRouter } = await import('../../web/routes.js');
          return createRouter({ backend: backendOf(supervisor), token, hosts });
        });
        server = await startWebServer(port, router);
      } catch (err) {
        rmSync(tokenFile, { force: true });
        const why = `127.0.0.1:${port} could not be listened on: ${(err as Error).message}`;
        return off(why, 'web.listen_failed', { host: '127.0.0.1', port, message: (err as Error).message });
      }
      endpoint = { url: server.url, token_file: tokenFile, off_reason: null };
      log('web.started', { url: server.url, token_file: tokenFile });
    },
    async stop() {
      endpoint = { url: null, token_file: null, off_reason: 'the daemon is stopping' };
      await server?.close();
      server = null;
    },
  };
}

function backendOf(supervisor: Supervisor): WebBackend {
  return {
    sampleIntervalMs: supervisor.sampler.intervalMs,
    list: () => supervisor.list(),
    processes: () => supervisor.appRunners().flatMap((a) => a.details()),
    apps: () =>
      supervisor.appRunners().map((a) => ({
        name: a.name,
        desired: typeof a.config.instances === 'number' ? a.config.instances : usableCpus(),
      })),
    cpuSeconds: (pid) => supervisor.sampler.get(pid)?.cpuSeconds ?? null,
    logFiles: (target) => supervisor.logFiles(target),
    restart: (target) => supervisor.restart({ target, update_env: false, wait: false }),
    reload: (target) => supervisor.reload({ target, wait: false }),
    stop: (target) => supervisor.stop(target),
    scale: (name, instances) => supervisor.scale({ name, instances, wait: false }),
  };
}
