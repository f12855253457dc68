// The spec file of a cluster app's primary (SHOAL_HOME/run/<app>.spec.json): written by the daemon before
// it spawns the primary and after every change (config, slots, restart counts), read by the primary at
// start, and read again by a daemon started later to find the primaries that still run (recovery).
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isPlainObject } from '../../config/is-object.js';
import type { AppConfig } from '../../protocol/app-config.js';
import type { LogRotation } from '../../protocol/log-rotation.js';
import type { Slot, WorkerSnapshot } from '../../protocol/primary-channel.js';
import { PRIMARY_SPEC_VERSION, type PrimarySpec, PrimarySpecSchema } from '../../protocol/primary-spec.js';
import { processStartTime } from '../../supervision/process-tree.js';

export interface SpecFacts {
  config: AppConfig;
  cliEnv: Record<string, string>;
  home: string;
  socket: string;
  slots: Slot[];
  /** The daemon's last view of the workers: their restart counts and reasons carry over to a new primary. */
  workers: WorkerSnapshot[];
  primaryPid: number | null;
  logDefaults: LogRotation;
}

export function writeSpecFile(file: string, facts: SpecFacts): void {
  const restarts: Record<string, number> = {};
  const reasons: Record<string, string> = {};
  for (const w of facts.workers) {
    restarts[String(w.id)] = w.restarts;
    if (w.last_restart_reason !== null) reasons[String(w.id)] = w.last_restart_reason;
  }
  const pid = facts.primaryPid;
  const spec: PrimarySpec = {
    version: PRIMARY_SPEC_VERSION,
    app: facts.config,
    cli_env: facts.cliEnv,
    home: facts.home,
    socket: facts.socket,
    slots: facts.slots,
    log_defaults: facts.logDefaults,
    restarts,
    restart_reasons: reasons,
    primary: pid === null ? null : { pid, start_time: processStartTime(pid) },
  };
  writeFileSync(file, JSON.stringify(spec), { mode: 0o600 });
}

export function removeSpecFile(file: string): void {
  rmSync(file, { force: true });
}

export type SpecReading =
  | { ok: true; file: string; spec: PrimarySpec }
  /** Unreadable (damaged, or written by another Shoal version): what could be made out of it. */
  | { ok: false; file: string; why: string; name: string | null; socket: string | null };

/** Every spec file in the run directory, read and checked; a bad one is reported, never thrown. */
export function readSpecFiles(runDir: string): SpecReading[] {
  let names: string[];
  try {
    names = readdirSync(runDir).filter((n) => n.endsWith('.spec.json'));
  } catch {
    return [];
  }
  return names.map((n) => readSpecFile(join(runDir, n)));
}

export function readSpecFile(file: string): SpecReading {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    return {
      ok: false,
      file,
      why: `not readable JSON (${(err as Error).message})`,
      name: null,
      socket: null,
    };
  }
  const parsed = PrimarySpecSchema.safeParse(raw);
  if (parsed.success) return { ok: true, file, spec: parsed.data };
  const issue = parsed.error.issues[0];
  // Keep what identifies the app, so a primary of another version can still be named and stopped.
  const app = isPlainObject(raw) && isPlainObject(raw.app) ? raw.app : {};
  return {
    ok: false,
    file,
    why: `not a spec this Shoal reads (${issue?.path.join('.') || 'spec'}: ${issue?.message ?? 'invalid'})`,
    name: typeof app.name === 'string' ? app.name : null,
    socket: isPlainObject(raw) && typeof raw.socket === 'string' ? raw.socket : null,
  };
}
