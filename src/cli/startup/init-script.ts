// One init script per init system: where it goes, its text, and the commands that enable or disable it.
// Installing is done by the CLI (as in PM2): it needs the user's terminal for the sudo hint, not the daemon.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname } from 'node:path';
import { ShoalError } from '../../errors.js';
import type { InitSystem } from './init-system.js';
import { launchdPlist, launchdPlistPath } from './launchd-plist.js';
import { openrcScript, openrcScriptPath } from './openrc-script.js';
import type { StartupTarget } from './startup-target.js';
import { systemdUnit, systemdUnitPath } from './systemd-unit.js';

export interface InitScript {
  system: InitSystem;
  path: string;
  content: string;
  mode: number;
  /** System-wide scripts need root; a launchd agent lives in the user's own Library. */
  needsRoot: boolean;
  enable: string[][];
  disable: string[][];
}

export function initScriptFor(system: InitSystem, t: StartupTarget): InitScript {
  switch (system) {
    case 'systemd': {
      const unit = `${t.serviceName}.service`;
      return {
        system,
        path: systemdUnitPath(t),
        content: systemdUnit(t),
        mode: 0o644,
        needsRoot: true,
        enable: [
          ['systemctl', 'daemon-reload'],
          ['systemctl', 'enable', unit],
        ],
        disable: [
          ['systemctl', 'disable', unit],
          ['systemctl', 'daemon-reload'],
        ],
      };
    }
    case 'launchd': {
      const path = launchdPlistPath(t, homedir());
      return {
        system,
        path,
        content: launchdPlist(t),
        mode: 0o644,
        needsRoot: false,
        enable: [['launchctl', 'load', '-w', path]],
        disable: [['launchctl', 'unload', '-w', path]],
      };
    }
    case 'openrc':
      return {
        system,
        path: openrcScriptPath(t),
        content: openrcScript(t),
        mode: 0o755,
        needsRoot: true,
        enable: [['rc-update', 'add', t.serviceName, 'default']],
        disable: [['rc-update', 'del', t.serviceName, 'default']],
      };
  }
}

export const isRoot = () => process.getuid?.() === 0;

function runAll(commands: string[][]): void {
  for (const [cmd, ...args] of commands) {
    try {
      execFileSync(cmd!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      const e = err as { stderr?: Buffer; message: string };
      const why = e.stderr?.toString().trim() || e.message;
      throw new ShoalError('SHOAL_ERR_STARTUP', `"${[cmd, ...args].join(' ')}" failed: ${why}`, {
        command: [cmd, ...args].join(' '),
      });
    }
  }
}

export function installInitScript(s: InitScript): void {
  mkdirSync(dirname(s.path), { recursive: true });
  writeFileSync(s.path, s.content, { mode: s.mode });
  chmodSync(s.path, s.mode);
  try {
    runAll(s.enable);
  } catch (err) {
    const e = err as ShoalError;
    throw new ShoalError(
      'SHOAL_ERR_STARTUP',
      `Wrote ${s.path}, but enabling it failed: ${e.message}. Is ${s.system} the running init system?`,
      { file: s.path },
      { cause: err },
    );
  }
}

/** Disables and removes the script; returns false when there was none. Disable errors become warnings. */
export function removeInitScript(s: InitScript, warn: (m: string) => void): boolean {
  if (!existsSync(s.path)) return false;
  try {
    runAll(s.disable);
  } catch (err) {
    warn((err as Error).message);
  }
  rmSync(s.path, { force: true });
  return true;
}
