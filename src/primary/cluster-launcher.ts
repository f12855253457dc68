// Forks one cluster worker and presents it as a ChildHandle. Stopping a worker asks it to drain over IPC
// (the injected preload does the work); the kill timer in ManagedProcess is the backstop.
import cluster, { type Worker } from 'node:cluster';
import type { Socket } from 'node:net';
import { toApp } from '../protocol/app-messages.js';
import { formatAddress } from '../protocol/listen-address.js';
import type { ChildHandle, ExitEvent, Launcher } from '../supervision/child-handle.js';
import { descendants, isAlive, signalAll } from '../supervision/process-tree.js';

export function clusterLauncher(env: () => Record<string, string>, killTimeout: () => number): Launcher {
  return () => new ClusterChild(forkWithExactEnv(env()), killTimeout());
}

/**
 * Node's cluster.fork lays its env argument over the primary's own process.env ({ ...process.env, ...env }),
 * so a variable removed from the app (restart --update-env, a reloaded process file) would live on in every
 * worker with the value the primary was started with. For the duration of the (synchronous) fork the
 * primary's env is made exactly the worker's, then put back.
 */
function forkWithExactEnv(env: Record<string, string>): Worker {
  const own = { ...process.env };
  replaceEnv(env);
  try {
    return cluster.fork();
  } finally {
    replaceEnv(own);
  }
}

function replaceEnv(next: NodeJS.ProcessEnv): void {
  for (const key of Object.keys(process.env)) if (!Object.hasOwn(next, key)) delete process.env[key];
  for (const [key, value] of Object.entries(next)) if (value !== undefined) process.env[key] = value;
}

class ClusterChild implements ChildHandle {
  private exited: ExitEvent | null = null;
  private readonly exitListeners: Array<(e: ExitEvent) => void> = [];
  private tree: number[] = [];

  constructor(
    private readonly worker: Worker,
    private readonly killTimeout: number,
  ) {
    worker.on('exit', (code, signal) => this.finish({ code: signal ? null : code, signal: signal ?? null }));
    // A send to a worker that just died fails with EPIPE; the exit event tells the rest.
    worker.on('error', () => {});
  }

  get pid(): number | null {
    return this.worker.process.pid ?? null;
  }
  get stdout() {
    return this.worker.process.stdout;
  }
  get stderr() {
    return this.worker.process.stderr;
  }

  onExit(listener: (e: ExitEvent) => void): void {
    if (this.exited) listener(this.exited);
    else this.exitListeners.push(listener);
  }

  onMessage(listener: (message: unknown) => void): void {
    this.worker.on('message', listener);
  }

  send(message: unknown): void {
    if (this.worker.isConnected()) this.worker.send(message as object, undefined, () => {});
  }

  sendSocket(message: unknown, socket: Socket | object, done: (err: Error | null) => void): void {
    if (!this.worker.isConnected()) {
      done(new Error('the worker is not connected'));
      return;
    }
    this.worker.send(message as object, socket as Socket, (err) => done(err ?? null));
  }

  onListening(listener: (address: string) => void): void {
    this.worker.on('listening', (addr) => listener(formatAddress(addr)));
  }

  requestStop(signal: NodeJS.Signals, viaMessage: boolean): void {
    const pid = this.pid;
    if (pid !== null) this.tree = descendants(pid);
    if (this.worker.isConnected()) {
      this.worker.send(toApp.drain(this.killTimeout, signal), undefined, () => {});
      if (viaMessage) this.worker.send(toApp.shutdown(), undefined, () => {});
    } else if (pid !== null) {
      signalAll([pid], signal);
    }
  }

  isolate(): void {
    // The primary's disconnect takes the worker out of every shared handle at once, without waiting for
    // the worker (which, hung, would never answer).
    if (this.worker.isConnected()) this.worker.disconnect();
  }

  forceKill(): void {
    const pid = this.pid;
    if (pid === null) return;
    const tree = new Set([...this.tree, ...(isAlive(pid) ? descendants(pid) : [])]);
    signalAll([pid, ...tree], 'SIGKILL');
  }

  private finish(exit: ExitEvent): void {
    if (this.exited) return;
    this.exited = exit;
    const left = this.tree.filter(isAlive);
    if (left.length > 0) signalAll(left, 'SIGKILL');
    for (const l of this.exitListeners.splice(0)) l(exit);
  }
}
