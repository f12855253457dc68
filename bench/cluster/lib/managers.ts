// Shoal and PM2 behind one small interface, each in a private temporary home (SHOAL_HOME / PM2_HOME),
// driven through their real CLIs. shutdown() kills the daemon the polite way, then SIGKILLs by pid
// whatever still carries that home in its environment, and removes the home; it is registered as a
// cleanup when the manager is created, so a failed measurement cannot leave a daemon behind.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CmdResult, killPid, onCleanup, ROOT, runCmd, sweepEnv, waitFor } from './processes.js';

export type ManagerKind = 'shoal' | 'pm2';

export interface ProcEntry {
  id: number;
  name: string;
  pid: number | null;
  status: string;
  outLog: string | null;
}

export interface Manager {
  readonly kind: ManagerKind;
  readonly home: string;
  /** Runs the CLI with this home; never rejects. */
  cli(
    args: string[],
    opts?: { env?: Record<string, string>; timeoutMs?: number; measureRss?: boolean },
  ): Promise<CmdResult>;
  /** Runs the CLI and throws with its output when it fails. */
  ok(args: string[], opts?: { env?: Record<string, string>; timeoutMs?: number }): Promise<CmdResult>;
  /** The CLI arguments of the JSON process list (`ls --json` / `jlist`). */
  readonly listArgs: string[];
  list(): Promise<ProcEntry[]>;
  parseList(stdout: string): ProcEntry[];
  daemonPid(): number | null;
  /** Shoal's per-app cluster primary (a process PM2 does not have); null for PM2. */
  primaryPid(app: string): Promise<number | null>;
  /** A process file (JSON, understood by both) starting `count` fork-mode copies of `script`. */
  processFile(script: string, count: number): string;
  shutdown(): Promise<void>;
}

export interface ManagerOptions {
  /** The shoal executable (bin/shoal.js of this tree unless --shoal-bin says otherwise). */
  shoalBin: string;
}

const PM2_BIN = join(ROOT, 'node_modules', 'pm2', 'bin', 'pm2');

function readPid(file: string): number | null {
  try {
    return Number(readFileSync(file, 'utf8').trim()) || null;
  } catch {
    return null;
  }
}

/** JSON output may be preceded by notices (PM2 prints some on first use); parse from the first '['. */
function jsonArray(stdout: string): unknown[] {
  const start = stdout.indexOf('[');
  if (start === -1) throw new Error(`no JSON list in output: ${stdout.slice(0, 200)}`);
  return JSON.parse(stdout.slice(start)) as unknown[];
}

abstract class BaseManager implements Manager {
  abstract readonly kind: ManagerKind;
  abstract readonly listArgs: string[];
  readonly home: string;
  private readonly unregister: () => void;
  private down = false;

  constructor(prefix: string) {
    this.home = mkdtempSync(join(tmpdir(), prefix));
    this.unregister = onCleanup(`${prefix}${this.home}`, () => this.shutdown());
  }

  protected abstract command(): [string, string[]];
  protected abstract homeEnv(): Record<string, string>;
  protected abstract killArgs(): string[];
  abstract parseList(stdout: string): ProcEntry[];
  abstract daemonPid(): number | null;
  abstract primaryPid(app: string): Promise<number | null>;

  cli(args: string[], opts: { env?: Record<string, string>; timeoutMs?: number; measureRss?: boolean } = {}) {
    const [cmd, pre] = this.command();
    return runCmd(cmd, [...pre, ...args], {
      env: { ...process.env, NO_COLOR: '1', ...opts.env, ...this.homeEnv() },
      timeoutMs: opts.timeoutMs ?? 60_000,
      measureRss: opts.measureRss,
    });
  }

  async ok(args: string[], opts: { env?: Record<string, string>; timeoutMs?: number } = {}) {
    const res = await this.cli(args, opts);
    if (res.code !== 0) {
      throw new Error(
        `${this.kind} ${args.join(' ')} exited ${res.code}${res.timedOut ? ' (timed out)' : ''}\n` +
          `stdout: ${res.stdout.slice(-2000)}\nstderr: ${res.stderr.slice(-2000)}`,
      );
    }
    return res;
  }

  async list(): Promise<ProcEntry[]> {
    return this.parseList((await this.ok(this.listArgs, { timeoutMs: 30_000 })).stdout);
  }

  processFile(script: string, count: number): string {
    const file = join(this.home, 'bench-apps.json');
    const apps = Array.from({ length: count }, (_, i) => ({
      name: `sleeper-${i}`,
      script,
      exec_mode: 'fork',
    }));
    writeFileSync(file, `${JSON.stringify({ apps }, null, 2)}\n`);
    return file;
  }

  async shutdown(): Promise<void> {
    if (this.down) return;
    this.down = true;
    this.unregister();
    const daemon = this.daemonPid();
    await this.cli(this.killArgs(), { timeoutMs: 30_000 });
    if (daemon !== null) killPid(daemon);
    // Anything still holding this home (a primary, a worker, a stray CLI) goes by pid.
    const [name, value] = Object.entries(this.homeEnv())[0]!;
    sweepEnv(`${name}=${value}`);
    await waitFor('the manager processes to exit', () => sweepEnv(`${name}=${value}`) === 0, {
      timeoutMs: 5000,
      intervalMs: 100,
    }).catch(() => {});
    rmSync(this.home, { recursive: true, force: true });
  }
}

class ShoalManager extends BaseManager {
  readonly kind = 'shoal' as const;
  readonly listArgs = ['ls', '--json'];

  constructor(private readonly bin: string) {
    super('shoal-bench-');
  }

  protected command(): [string, string[]] {
    return [process.execPath, [this.bin]];
  }
  protected homeEnv() {
    return { SHOAL_HOME: this.home };
  }
  protected killArgs() {
    return ['kill'];
  }

  parseList(stdout: string): ProcEntry[] {
    return (jsonArray(stdout) as Array<Record<string, unknown>>).map((p) => ({
      id: Number(p.id),
      name: String(p.name),
      pid: typeof p.pid === 'number' ? p.pid : null,
      status: String(p.status),
      outLog: null,
    }));
  }

  /** describe --json adds the log paths and the primary's pid. */
  async describe(app: string): Promise<Array<Record<string, unknown>>> {
    const res = await this.ok(['describe', app, '--json'], { timeoutMs: 30_000 });
    return jsonArray(res.stdout) as Array<Record<string, unknown>>;
  }

  daemonPid(): number | null {
    return readPid(join(this.home, 'shoal.pid'));
  }

  async primaryPid(app: string): Promise<number | null> {
    const d = await this.describe(app);
    const pid = d[0]?.primary_pid;
    return typeof pid === 'number' ? pid : null;
  }

  async outLogs(app: string): Promise<string[]> {
    return (await this.describe(app)).map((d) => String(d.out_log));
  }
}

class Pm2Manager extends BaseManager {
  readonly kind = 'pm2' as const;
  readonly listArgs = ['jlist'];

  constructor() {
    super('pm2-bench-');
  }

  protected command(): [string, string[]] {
    return [process.execPath, [PM2_BIN]];
  }
  protected homeEnv() {
    return { PM2_HOME: this.home };
  }
  protected killArgs() {
    return ['kill'];
  }

  parseList(stdout: string): ProcEntry[] {
    return (jsonArray(stdout) as Array<Record<string, unknown>>).map((p) => {
      const env = (p.pm2_env ?? {}) as Record<string, unknown>;
      return {
        id: Number(p.pm_id),
        name: String(p.name),
        pid: typeof p.pid === 'number' && p.pid > 0 ? p.pid : null,
        status: String(env.status),
        outLog: typeof env.pm_out_log_path === 'string' ? env.pm_out_log_path : null,
      };
    });
  }

  daemonPid(): number | null {
    return readPid(join(this.home, 'pm2.pid'));
  }

  async primaryPid(): Promise<number | null> {
    return null;
  }
}

export type AnyManager = ShoalManager | Pm2Manager;
export type { ShoalManager, Pm2Manager };

export function createManager(kind: ManagerKind, opts: ManagerOptions): AnyManager {
  return kind === 'shoal' ? new ShoalManager(opts.shoalBin) : new Pm2Manager();
}

/** Out log file of each process of an app, in instance order. */
export async function outLogs(m: AnyManager, app: string): Promise<string[]> {
  if (m.kind === 'shoal') return m.outLogs(app);
  return (await m.list())
    .filter((p) => p.name === app)
    .sort((a, b) => a.id - b.id)
    .map((p) => p.outLog ?? '');
}

/** Starts `script` in cluster mode with `instances` workers and waits until every worker answers HTTP. */
export async function startCluster(
  m: Manager,
  opts: { name: string; script: string; instances: number; env: Record<string, string>; args?: string[] },
): Promise<CmdResult> {
  const extra = opts.args && opts.args.length > 0 ? ['--', ...opts.args] : [];
  return m.ok(['start', opts.script, '--name', opts.name, '-i', String(opts.instances), ...extra], {
    env: opts.env,
    timeoutMs: 60_000,
  });
}

/** Waits until the manager lists `count` processes of `app` online, each with a pid; returns the pids. */
export async function waitOnline(
  m: Manager,
  app: string,
  count: number,
  timeoutMs = 30_000,
): Promise<number[]> {
  return waitFor(
    `${count} ${app} processes online in ${m.kind}`,
    async () => {
      const procs = (await m.list()).filter((p) => p.name === app);
      const online = procs.filter((p) => p.status === 'online' && p.pid !== null);
      return online.length === count ? online.map((p) => p.pid!) : null;
    },
    { timeoutMs, intervalMs: 100 },
  );
}
