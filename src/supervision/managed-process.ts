// One supervised instance of an app: it launches the OS process, routes its output to the log files,
// follows the state machine, and applies the restart policy when the process exits on its own.
// Used by the daemon for fork mode and by a primary for its cluster workers (through a Launcher).
import { EventEmitter } from 'node:events';
import type { AppConfig } from '../protocol/app-config.js';
import { type StatsMessage, StatsMessageSchema } from '../protocol/app-message-schemas.js';
import { isReadyMessage, isStatsMessage, listeningAddress } from '../protocol/app-messages.js';
import type { ExitInfo } from '../protocol/process-info.js';
import type { ChildHandle, ExitEvent, Launcher } from './child-handle.js';
import { now } from './clock.js';
import type { ManagedProcessEvents } from './process-events.js';
import { attachOutput, keepLast, type OutputFiles, recordDropped } from './process-output.js';
import { canTransition, IllegalTransitionError, mayStart, type ProcessStatus } from './process-state.js';
import { decideRestart, exitRecord, killedFromOutside, type RestartHistory } from './restart-policy.js';

const RECENT_STDERR_LINES = 20;
const RECENT_EXITS = 10;
const OUTPUT_DRAIN_MS = 2000;

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/** How a wait for readiness ended: ready for real, listen_timeout passed, or the process exited. */
export type ReadyOutcome = 'ready' | 'timeout' | 'exited';

export class ManagedProcess extends EventEmitter<ManagedProcessEvents> {
  readonly createdAt = now();
  status: ProcessStatus = 'stopped';
  statusReason = 'created';
  restarts = 0;
  startedAt: number | null = null;
  lastExit: ExitInfo | null = null;
  readonly exits: ExitInfo[] = [];
  readonly recentStderr: string[] = [];
  nextRestartAt: number | null = null;
  lastRestartReason: string | null = null;
  /** Lines its log files could not take (disk full), since when, and why; null while none was lost. */
  logDropped: { lines: number; since: number; reason: string } | null = null;
  /** Last runtime figures the process reported (Node apps only). */
  stats: StatsMessage | null = null;
  /** The diagnostic report written when this process (or the one it replaced) last hung. */
  hangReport: string | null = null;

  private child: ChildHandle | null = null;
  private history: RestartHistory = { unstableRestarts: 0, backoffStep: 0 };
  private restartTimer: NodeJS.Timeout | null = null;
  private readyTimer: NodeJS.Timeout | null = null;
  private killTimer: NodeJS.Timeout | null = null;
  private stopWaiters: Array<() => void> = [];
  private readyWaiters: Array<(outcome: ReadyOutcome) => void> = [];
  /** True once the current run proved it is ready (listening, or its ready signal), not just timed out. */
  readyConfirmed = false;
  /** What proved it: a listening socket, the app's ready signal, or nothing yet (spawned, timed out). */
  confirmedBy: 'listening' | 'signal' | null = null;
  /** Addresses the current run listens on ("*:3000", "127.0.0.1:8080", a pipe path), in order. */
  listening: string[] = [];

  constructor(
    readonly id: number,
    readonly instance: number,
    public app: AppConfig,
    private readonly launcher: Launcher,
    private readonly logs: OutputFiles,
  ) {
    super();
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  /** The running OS process, to send it messages; null between runs. */
  get handle(): ChildHandle | null {
    return this.child;
  }

  get unstableRestarts(): number {
    return this.history.unstableRestarts;
  }

  /** Starts a stopped or errored process. The restart history starts afresh, as after a manual start. */
  start(reason = 'started'): void {
    if (this.child) return;
    this.clearRestartTimer();
    this.history = { unstableRestarts: 0, backoffStep: 0 };
    this.launch(reason);
  }

  /** `shoal reset`: the restart counts start again from 0; the process itself is left alone. */
  resetCounters(): void {
    this.restarts = 0;
    this.history = { ...this.history, unstableRestarts: 0, unservedRestarts: 0 };
  }

  /** Resolves once the process is ready, its listen_timeout passed, or it exited first. */
  waitReady(): Promise<ReadyOutcome> {
    if (this.status === 'online') return Promise.resolve(this.readyConfirmed ? 'ready' : 'timeout');
    if (!this.child && this.status !== 'launching') return Promise.resolve('exited');
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /**
   * Stops the process and its tree; resolves once it has exited and its output is written. `force`
   * kills at once, for a process that can no longer stop by itself (a hung one).
   */
  stop(reason = 'stopped by user', force = false): Promise<void> {
    if (this.restartTimer) {
      this.clearRestartTimer();
      this.transition('stopped', reason);
      return Promise.resolve();
    }
    if (!this.child) {
      if (!mayStart(this.status)) this.transition('stopped', reason);
      return Promise.resolve();
    }
    const done = new Promise<void>((resolve) => this.stopWaiters.push(resolve));
    if (this.status !== 'stopping') {
      this.transition('stopping', reason);
      const child = this.child;
      if (force) {
        child.forceKill();
        return done;
      }
      child.requestStop(this.app.kill_signal as NodeJS.Signals, this.app.shutdown_with_message);
      this.killTimer = setTimeout(() => {
        this.killTimer = null;
        child.forceKill();
      }, this.app.kill_timeout);
    }
    return done;
  }

  /** Stop then start again, counted as a restart like PM2's restart_time. */
  async restart(reason = 'restarted by user', app?: AppConfig, force = false): Promise<void> {
    await this.stop(reason, force);
    if (app) this.app = app;
    this.restarts += 1;
    this.lastRestartReason = reason;
    this.start(reason);
  }

  private launch(reason: string): void {
    this.nextRestartAt = null;
    this.transition('launching', reason);
    let child: ChildHandle;
    try {
      child = this.launcher();
    } catch (err) {
      this.handleExit(null, { code: null, signal: null, spawnError: (err as Error).message }, []);
      return;
    }
    this.child = child;
    this.readyConfirmed = false;
    this.confirmedBy = null;
    this.listening = [];
    this.startedAt = now();
    const outputDone = attachOutput(child, this.logs, {
      identity: { app: this.app.name, id: this.id, instance: this.instance },
      onStderrLine: (line) => keepLast(this.recentStderr, line, RECENT_STDERR_LINES),
      onDropped: (lines, why) => recordDropped(this, lines, why, now()),
    });
    child.onMessage((message) => {
      const address = listeningAddress(message);
      if (address !== null && this.child === child) this.heardListening(child, address);
      if (isReadyMessage(message) && this.child === child) {
        this.confirmedBy = 'signal';
        this.confirmReady(child, 'ready signal received');
      }
      // Validate only the periodic stats report: store requests and app messages pass here at high rates.
      if (isStatsMessage(message) && this.child === child) {
        const stats = StatsMessageSchema.safeParse(message);
        if (stats.success) this.stats = stats.data;
      }
      this.emit('message', message);
    });
    child.onExit((exit) => this.handleExit(child, exit, outputDone));

    child.onListening?.((address) => this.heardListening(child, address));
    // A spawn that failed at once (no such file, no permission) has no pid: its exit event says why.
    if (child.pid === null) return;
    // Ready means: the ready signal with wait_ready; else listening, where the process can report it
    // (cluster workers); else simply spawned (fork mode, as in PM2).
    if (!this.app.wait_ready && !child.onListening) {
      this.markOnline('spawned', true);
      return;
    }
    this.readyTimer = setTimeout(() => {
      this.readyTimer = null;
      // Like PM2, a missing ready signal does not keep a process out of service forever; the reason
      // says so, and reload (which must not lose capacity) treats this outcome as a failure.
      if (this.child === child && this.status === 'launching') {
        const what = this.app.wait_ready ? 'ready signal' : 'listening';
        this.markOnline(`no ${what} within listen_timeout (${this.app.listen_timeout} ms)`, false);
      }
    }, this.app.listen_timeout);
  }

  /** The run listens on one more address: recorded, and proof of readiness unless it waits for a ready signal. */
  private heardListening(child: ChildHandle, address: string): void {
    if (this.child !== child) return;
    if (!this.listening.includes(address)) this.listening.push(address);
    this.emit('listening', address);
    if (this.app.wait_ready) return;
    this.confirmedBy ??= 'listening';
    this.confirmReady(child, 'listening');
  }

  private confirmReady(child: ChildHandle, reason: string): void {
    if (this.child !== child) return;
    if (this.status === 'launching') this.markOnline(reason, true);
    else this.readyConfirmed = true;
  }

  private markOnline(reason: string, confirmed: boolean): void {
    if (this.readyTimer) clearTimeout(this.readyTimer);
    this.readyTimer = null;
    this.readyConfirmed = confirmed;
    this.transition('online', reason);
    for (const w of this.readyWaiters.splice(0)) w(confirmed ? 'ready' : 'timeout');
  }

  private async handleExit(
    child: ChildHandle | null,
    exit: ExitEvent,
    outputDone: Promise<void>[],
  ): Promise<void> {
    // Write the process's last lines before anyone is told it exited; bounded, because a grandchild
    // that inherited the pipes can keep them open long after the process itself is gone.
    await Promise.race([Promise.all(outputDone), delay(OUTPUT_DRAIN_MS)]);
    if (child && this.child !== child) return;
    this.child = null;
    this.emit('exit', { pid: child?.pid ?? null });
    this.stats = null;
    if (this.readyTimer) clearTimeout(this.readyTimer);
    this.readyTimer = null;
    if (this.killTimer) clearTimeout(this.killTimer);
    this.killTimer = null;
    for (const w of this.readyWaiters.splice(0)) w('exited');

    const t = now();
    const uptime = this.startedAt !== null ? t - this.startedAt : 0;
    const info = exitRecord(exit, t, uptime, this.status === 'stopping');
    const what = info.reason;
    this.lastExit = info;
    keepLast(this.exits, info, RECENT_EXITS);

    if (this.status === 'stopping') {
      this.transition('stopped', `stopped (${what})`);
      for (const w of this.stopWaiters.splice(0)) w();
      return;
    }
    // A process that could not be spawned never ran: restarting it would fail the same way.
    if (exit.spawnError) {
      this.transition('errored', `cannot start: ${exit.spawnError}`);
      for (const w of this.stopWaiters.splice(0)) w();
      return;
    }

    // Served: listened or sent its ready signal (a fork process counts as online once spawned, not as served).
    const mayServe = this.confirmedBy !== null || killedFromOutside(exit.signal);
    const decision = decideRestart(
      this.app,
      { code: exit.code, signal: exit.signal, uptime, mayServe },
      this.history,
    );
    if (decision.action === 'stop') {
      this.transition('stopped', decision.reason);
    } else if (decision.action === 'give-up') {
      this.transition('errored', decision.reason);
    } else {
      this.history = decision.history;
      this.restarts += 1;
      this.lastRestartReason = decision.reason;
      if (decision.delay > 0) {
        this.nextRestartAt = t + decision.delay;
        this.transition('launching', `${decision.reason}; restarting in ${decision.delay} ms`);
        this.restartTimer = setTimeout(() => {
          this.restartTimer = null;
          this.launch(`restart after ${decision.reason}`);
        }, decision.delay);
      } else {
        this.launch(`restart after ${decision.reason}`);
      }
    }
    for (const w of this.stopWaiters.splice(0)) w();
  }

  private clearRestartTimer(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    this.nextRestartAt = null;
  }

  private transition(to: ProcessStatus, reason: string): void {
    const from = this.status;
    if (from !== to && !canTransition(from, to)) throw new IllegalTransitionError(from, to);
    this.status = to;
    this.statusReason = reason;
    this.emit('transition', { id: this.id, name: this.app.name, from, to, reason });
  }
}
