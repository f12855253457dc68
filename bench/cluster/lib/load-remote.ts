// The bench's side of the load generator: forks one or more load-child.ts processes (clients split
// between them), and offers the helper's verbs (waitForResponses, stop) plus mark() for timed windows.
// Every reply is awaited with a bound; the children are killed on stop and by the cleanup registry.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildLoadOptions, LoadFinal, LoadMark, LoadReply, LoadRequest } from './load-child.js';
import { nowMs, onCleanup, sleep, waitFor } from './processes.js';

const CHILD = fileURLToPath(new URL('./load-child.ts', import.meta.url));
const REPLY_TIMEOUT_MS = 15_000;

/** A request without its id (distributed over the union, so each kind keeps its own fields). */
type Payload = LoadRequest extends infer R ? (R extends LoadRequest ? Omit<R, 'id'> : never) : never;

class LoadProcess {
  private seq = 0;
  private readonly pending = new Map<number, (r: LoadReply) => void>();
  readonly child: ChildProcess;

  constructor() {
    this.child = fork(CHILD, [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (m: unknown) => {
      const r = m as LoadReply;
      this.pending.get(r.id)?.(r);
      this.pending.delete(r.id);
    });
  }

  request(payload: Payload): Promise<LoadReply> {
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new Error(
            `load generator ${this.child.pid} did not answer "${payload.type}" within ${REPLY_TIMEOUT_MS} ms`,
          ),
        );
      }, REPLY_TIMEOUT_MS);
      const onExit = () =>
        reject(new Error(`load generator ${this.child.pid} exited during "${payload.type}"`));
      this.child.once('exit', onExit);
      this.pending.set(id, (r) => {
        clearTimeout(timer);
        this.child.off('exit', onExit);
        if (r.type === 'error') reject(new Error(`load generator: ${r.message}`));
        else resolve(r);
      });
      this.child.send({ id, ...payload } as LoadRequest);
    });
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

export interface WindowMark extends LoadMark {
  /** performance.now() in the bench process when the counts were taken. */
  at: number;
}

export interface RemoteResult extends LoadFinal {
  /** Generator processes used. */
  procs: number;
}

export class RemoteLoad {
  private constructor(
    private readonly procs: LoadProcess[],
    private readonly unregister: () => void,
  ) {}

  /** Starts `procs` generator processes sharing `options.clients` between them. */
  static async start(options: ChildLoadOptions, procs = 1): Promise<RemoteLoad> {
    const children = Array.from({ length: procs }, () => new LoadProcess());
    const unregister = onCleanup('load generators', () => {
      for (const c of children) c.kill();
    });
    const load = new RemoteLoad(children, unregister);
    try {
      await Promise.all(
        children.map((c, i) => {
          const clients = Math.floor(options.clients / procs) + (i < options.clients % procs ? 1 : 0);
          return c.request({ type: 'start', options: { ...options, clients } });
        }),
      );
    } catch (err) {
      load.kill();
      throw err;
    }
    return load;
  }

  async mark(): Promise<WindowMark> {
    const marks = await Promise.all(this.procs.map((p) => p.request({ type: 'mark' })));
    const at = nowMs();
    let ok = 0;
    let cpuMs = 0;
    for (const m of marks) {
      if (m.type !== 'mark') continue;
      ok += m.ok;
      cpuMs += m.cpuMs;
    }
    return { ok, cpuMs, at };
  }

  /** Resolves once n responses (all generators together) have come back; throws after timeoutMs. */
  async waitForResponses(n: number, timeoutMs: number): Promise<void> {
    await waitFor(`${n} responses`, async () => (await this.mark()).ok >= n, { timeoutMs, intervalMs: 50 });
  }

  async stop(): Promise<RemoteResult> {
    const results = await Promise.all(this.procs.map((p) => p.request({ type: 'stop' })));
    const total: RemoteResult = {
      ok: 0,
      failed: 0,
      errors: {},
      durationMs: 0,
      cpuMs: 0,
      procs: this.procs.length,
    };
    for (const r of results) {
      if (r.type !== 'result') continue;
      total.ok += r.ok;
      total.failed += r.failed;
      total.cpuMs += r.cpuMs;
      total.durationMs = Math.max(total.durationMs, r.durationMs);
      for (const [k, v] of Object.entries(r.errors)) total.errors[k] = (total.errors[k] ?? 0) + v;
    }
    this.kill();
    return total;
  }

  kill(): void {
    for (const p of this.procs) p.kill();
    this.unregister();
  }

  get pids(): number[] {
    return this.procs.map((p) => p.child.pid).filter((pid): pid is number => pid !== undefined);
  }
}

/** Measures steady-state throughput: warm up, then count responses over a timed window. */
export async function measureWindow(
  options: ChildLoadOptions,
  procs: number,
  warmupMs: number,
  windowMs: number,
  during?: { begin(): void; end(exclude: readonly number[]): void },
): Promise<{
  rps: number;
  requests: number;
  generatorCpu: number;
  failed: number;
  errors: Record<string, number>;
}> {
  const load = await RemoteLoad.start(options, procs);
  try {
    await load.waitForResponses(1, 10_000);
    await sleep(warmupMs);
    const a = await load.mark();
    during?.begin();
    await sleep(windowMs);
    const b = await load.mark();
    during?.end([process.pid, ...load.pids]);
    const res = await load.stop();
    const seconds = (b.at - a.at) / 1000;
    return {
      rps: (b.ok - a.ok) / seconds,
      requests: b.ok - a.ok,
      // Share of one core the generator(s) used in the window (1 = a full core).
      generatorCpu: (b.cpuMs - a.cpuMs) / (b.at - a.at),
      failed: res.failed,
      errors: res.errors,
    };
  } finally {
    load.kill();
  }
}
