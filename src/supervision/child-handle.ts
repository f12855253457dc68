// What a supervisor needs from one running OS process, whoever spawned it (child_process in the
// daemon for fork mode, cluster.fork in a primary for cluster mode).
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';

export interface ExitEvent {
  code: number | null;
  signal: string | null;
  /** Set when the process never ran (spawn failed: missing binary, bad cwd). */
  spawnError?: string;
}

export interface ChildHandle {
  readonly pid: number | null;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  onExit(listener: (exit: ExitEvent) => void): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Sends a message over the IPC channel, if there is one. */
  send?(message: unknown): void;
  /**
   * Sends a message with a socket (a net.Socket, or a raw TCP handle the sender keeps open) over the
   * IPC channel; the callback hears whether it went.
   */
  sendSocket?(message: unknown, socket: Socket | object, done: (err: Error | null) => void): void;
  /**
   * Present when the process can report that it listens (cluster workers): readiness without app changes.
   * The listener gets the address: "host:port" ("*:3000" for every interface) or a pipe's path.
   */
  onListening?(listener: (address: string) => void): void;
  /** Asks the process to stop: kill_signal, or the IPC message "shutdown" with shutdown_with_message. */
  requestStop(signal: NodeJS.Signals, viaMessage: boolean): void;
  /** Ends the process and everything it started, now. */
  forceKill(): void;
  /** Stops handing the process new connections while it runs on (cluster workers: out of the balancing). */
  isolate?(): void;
}

export type Launcher = () => ChildHandle;
