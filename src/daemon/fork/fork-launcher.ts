// Spawns one fork-mode process: no shell, its own process group (so the whole tree can be signalled),
// stdout/stderr piped to the log router, an IPC channel for Node apps (ready signal, shutdown message).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Socket } from 'node:net';
import { toApp } from '../../protocol/app-messages.js';
import type { ChildHandle, ExitEvent, Launcher } from '../../supervision/child-handle.js';
import type { LaunchSpec } from '../../supervision/launch-spec.js';
import { descendants, isAlive, signalAll, signalGroup } from '../../supervision/process-tree.js';

export function forkLauncher(spec: () => LaunchSpec, treekill: boolean): Launcher {
  return () => new ForkChild(spec(), treekill);
}

class ForkChild implements ChildHandle {
  private readonly proc: ChildProcess;
  private exitListeners: Array<(exit: ExitEvent) => void> = [];
  private exited: ExitEvent | null = null;
  /** Descendants seen when the stop began: they are reparented once the main process exits. */
  private tree: number[] = [];

  constructor(
    spec: LaunchSpec,
    private readonly treekill: boolean,
  ) {
    this.proc = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      shell: false,
      windowsHide: true,
      stdio: spec.isNode ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    });
    this.proc.on('error', (err: NodeJS.ErrnoException) => {
      // Only a spawn failure matters here (ENOENT, EACCES, bad cwd); errors sending on IPC are ignored.
      if (this.proc.pid === undefined)
        this.finish({ code: null, signal: null, spawnError: spawnProblem(err, spec) });
    });
    // 'exit', not 'close': a grandchild holding the pipes open must not hide the exit. The supervisor
    // waits (bounded) for the pipes to drain before it reports the exit.
    this.proc.on('exit', (code, signal) => this.finish({ code, signal }));
    this.proc.on('disconnect', () => {});
  }

  get pid(): number | null {
    return this.proc.pid ?? null;
  }
  get stdout() {
    return this.proc.stdout;
  }
  get stderr() {
    return this.proc.stderr;
  }

  onExit(listener: (exit: ExitEvent) => void): void {
    if (this.exited) listener(this.exited);
    else this.exitListeners.push(listener);
  }

  sendSocket(message: unknown, socket: Socket | object, done: (err: Error | null) => void): void {
    if (!this.proc.connected) {
      done(new Error('the process has no IPC channel'));
      return;
    }
    this.proc.send(message as object, socket as Socket, (err) => done(err ?? null));
  }

  send(message: unknown): void {
    if (this.proc.connected) this.proc.send(message as object, () => {});
  }

  onMessage(listener: (message: unknown) => void): void {
    this.proc.on('message', listener);
  }

  requestStop(signal: NodeJS.Signals, viaMessage: boolean): void {
    const pid = this.proc.pid;
    if (pid === undefined) return;
    if (this.treekill) this.tree = descendants(pid);
    if (viaMessage && this.proc.connected) {
      this.proc.send(toApp.shutdown(), () => {});
      return;
    }
    if (this.treekill) {
      signalGroup(pid, signal);
      signalAll(this.tree, signal);
    } else {
      signalAll([pid], signal);
    }
  }

  forceKill(): void {
    const pid = this.proc.pid;
    if (pid === undefined) return;
    if (this.treekill) {
      const tree = new Set([...this.tree, ...(isAlive(pid) ? descendants(pid) : [])]);
      signalGroup(pid, 'SIGKILL');
      signalAll(tree, 'SIGKILL');
    } else {
      signalAll([pid], 'SIGKILL');
    }
  }

  private finish(exit: ExitEvent): void {
    if (this.exited) return;
    this.exited = exit;
    // Children that ignored the stop signal and outlived their parent still go: a stop leaves no orphans.
    if (this.treekill && this.tree.length > 0) {
      const left = this.tree.filter(isAlive);
      if (left.length > 0) signalAll(left, 'SIGKILL');
    }
    for (const l of this.exitListeners.splice(0)) l(exit);
  }
}

/** Why a spawn could not happen, in the user's terms: which file is missing or not executable. */
function spawnProblem(err: NodeJS.ErrnoException, spec: LaunchSpec): string {
  if (err.code === 'ENOENT') {
    return existsSync(spec.cwd)
      ? `${spec.command} does not exist`
      : `its working directory ${spec.cwd} does not exist`;
  }
  if (err.code === 'EACCES') return `${spec.command} cannot be executed (permission denied)`;
  return err.message;
}
