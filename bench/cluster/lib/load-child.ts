// Runs in its own process (forked by load-remote.ts): a load generator that the bench drives over IPC, so
// the generator's CPU time is its own and visible, not mixed into the bench runner's event loop.
// Requests: start (generator + options), mark (counts so far), stop (final result). Each reply echoes id.
import { type RunningLoad, startLoad } from '../../../test/helpers/load.js';
import { startRawLoad } from './raw-load.js';

export type Generator = 'helper' | 'raw';

export interface ChildLoadOptions {
  generator: Generator;
  port: number;
  clients: number;
  keepAlive: boolean;
  maxDurationMs: number;
  timeoutMs?: number;
}

export type LoadRequest =
  | { id: number; type: 'start'; options: ChildLoadOptions }
  | { id: number; type: 'mark' }
  | { id: number; type: 'stop' };

export interface LoadMark {
  ok: number;
  /** CPU time (user + system) this generator process has used so far, in ms. */
  cpuMs: number;
}

export interface LoadFinal extends LoadMark {
  failed: number;
  errors: Record<string, number>;
  durationMs: number;
}

export type LoadReply =
  | { id: number; type: 'started' }
  | ({ id: number; type: 'mark' } & LoadMark)
  | ({ id: number; type: 'result' } & LoadFinal)
  | { id: number; type: 'error'; message: string };

let load: RunningLoad | null = null;

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function reply(message: LoadReply): void {
  process.send?.(message);
}

function isRequest(m: unknown): m is LoadRequest {
  if (typeof m !== 'object' || m === null) return false;
  const r = m as { id?: unknown; type?: unknown };
  return typeof r.id === 'number' && (r.type === 'start' || r.type === 'mark' || r.type === 'stop');
}

process.on('message', async (m: unknown) => {
  if (!isRequest(m)) return;
  try {
    if (m.type === 'start') {
      const o = m.options;
      const start = o.generator === 'raw' ? startRawLoad : startLoad;
      load = start({
        port: o.port,
        clients: o.clients,
        keepAlive: o.keepAlive,
        maxDurationMs: o.maxDurationMs,
        timeoutMs: o.timeoutMs,
      });
      reply({ id: m.id, type: 'started' });
    } else if (m.type === 'mark') {
      reply({ id: m.id, type: 'mark', ok: load?.ok ?? 0, cpuMs: cpuMs() });
    } else {
      const res = load ? await load.stop() : null;
      reply({
        id: m.id,
        type: 'result',
        ok: res?.ok ?? 0,
        failed: res?.failed ?? 0,
        errors: res?.errors ?? {},
        durationMs: res?.durationMs ?? 0,
        cpuMs: cpuMs(),
      });
      load = null;
    }
  } catch (err) {
    reply({ id: m.id, type: 'error', message: (err as Error).message });
  }
});

// Never outlive the bench: no parent, no load.
process.on('disconnect', () => process.exit(0));
