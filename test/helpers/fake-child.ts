// A ChildHandle without a process, for unit tests of ManagedProcess: the test scripts what the "process"
// does (exits with a code, a signal or a spawn error, sends messages, says it listens, prints) and reads
// what the supervisor asked of it (stop requests, force kills, messages sent).
import { PassThrough } from 'node:stream';
import type { ChildHandle, ExitEvent, Launcher } from '../../src/supervision/child-handle.js';

export interface FakeChildOptions {
  /** Gives the handle onListening, as cluster workers have (fork-mode children do not). */
  canListen?: boolean;
  /** Gives the handle stdout and stderr streams. */
  streams?: boolean;
  /** What the process does when asked to stop: exit at once (like an app that handles SIGINT), or ignore it. */
  onStopRequest?: 'exit' | 'ignore';
}

let nextPid = 40_000;

export class FakeChild implements ChildHandle {
  readonly pid: number;
  readonly stdout: PassThrough | null;
  readonly stderr: PassThrough | null;
  readonly onListening?: (listener: (address: string) => void) => void;
  readonly stopRequests: Array<{ signal: NodeJS.Signals; viaMessage: boolean }> = [];
  forceKills = 0;
  readonly sent: unknown[] = [];
  exited: ExitEvent | null = null;
  private readonly exitListeners: Array<(exit: ExitEvent) => void> = [];
  private readonly messageListeners: Array<(message: unknown) => void> = [];
  private readonly listeningListeners: Array<(address: string) => void> = [];

  constructor(private readonly options: FakeChildOptions = {}) {
    this.pid = nextPid++;
    this.stdout = options.streams ? new PassThrough() : null;
    this.stderr = options.streams ? new PassThrough() : null;
    if (options.canListen) this.onListening = (listener) => this.listeningListeners.push(listener);
  }

  onExit(listener: (exit: ExitEvent) => void): void {
    this.exitListeners.push(listener);
  }

  onMessage(listener: (message: unknown) => void): void {
    this.messageListeners.push(listener);
  }

  send(message: unknown): void {
    this.sent.push(message);
  }

  requestStop(signal: NodeJS.Signals, viaMessage: boolean): void {
    this.stopRequests.push({ signal, viaMessage });
    if (this.options.onStopRequest !== 'ignore') this.exit({ code: null, signal });
  }

  forceKill(): void {
    this.forceKills += 1;
    this.exit({ code: null, signal: 'SIGKILL' });
  }

  // What the test makes the process do:

  /** The process ends: its output streams end first, then the exit is reported (once, like a real one). */
  exit(exit: ExitEvent): void {
    if (this.exited) return;
    this.exited = exit;
    this.stdout?.end();
    this.stderr?.end();
    for (const l of this.exitListeners) l(exit);
  }

  message(message: unknown): void {
    for (const l of this.messageListeners) l(message);
  }

  listening(address = '*:3000'): void {
    for (const l of this.listeningListeners) l(address);
  }
}

/** A Launcher that makes a FakeChild per launch and keeps them all, the last one being the running one. */
export class FakeLauncher {
  readonly children: FakeChild[] = [];
  /** Set to make every launch throw, as a spawn that fails at once does. */
  failWith: Error | null = null;
  attempts = 0;

  constructor(private readonly options: FakeChildOptions = {}) {}

  readonly launch: Launcher = () => {
    this.attempts += 1;
    if (this.failWith) throw this.failWith;
    const child = new FakeChild(this.options);
    this.children.push(child);
    return child;
  };

  get current(): FakeChild {
    const last = this.children.at(-1);
    if (!last) throw new Error('nothing was launched');
    return last;
  }
}
