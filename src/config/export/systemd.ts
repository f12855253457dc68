// `shoal export systemd`: a unit per app, with systemd as the supervisor. A fork-mode app is run
// directly (instances > 1: a template unit, one instance per `@N`); a cluster-mode app runs under
// `shoal run`, which keeps its workers behind one port. The mapping (docs/containers.md): autorestart to
// Restart=, max_restarts and min_uptime to StartLimitBurst and StartLimitIntervalSec, restart_delay to
// RestartSec, max_memory_restart to MemoryMax, kill_signal to KillSignal, kill_timeout to TimeoutStopSec.
import type { AppConfig } from '../../protocol/app-config.js';
import { dnsName, type ExportOptions, graceSeconds, layout, memoryLimitBytes } from './export-settings.js';

export interface UnitFile {
  /** shoal-<app>.service, or shoal-<app>@.service for a template. */
  name: string;
  text: string;
  /** The systemctl commands that enable it (a template: one instance per process). */
  enable: string[];
}

export interface SystemdOptions extends ExportOptions {
  /** Absolute path of the Node binary and of Shoal's bin/shoal.js, as on the target host. */
  node: string;
  shoalBin: string;
  user: string | null;
}

/** systemd's quoting of one ExecStart word: double quotes when needed, with \ " $ and % escaped. */
export function quoteWord(word: string): string {
  const escaped = word.replace(/%/g, '%%').replace(/\$/g, '$$$$');
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(escaped)) return escaped;
  return `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Environment= expands specifiers (%) but not variables ($), so only % is doubled. */
function environmentLine(key: string, value: string): string {
  const assignment = `${key}=${value}`.replace(/%/g, '%%');
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(assignment)) return `Environment=${assignment}`;
  return `Environment="${assignment.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function execStart(app: AppConfig, opts: SystemdOptions): string[] {
  if (app.exec_mode === 'cluster') {
    return [
      opts.node,
      opts.shoalBin,
      'run',
      opts.processFile,
      '--only',
      app.name,
      ...(opts.envName ? ['--env', opts.envName] : []),
    ];
  }
  const interpreter =
    app.interpreter === 'node' ? [opts.node] : app.interpreter === 'none' ? [] : [app.interpreter];
  return [
    ...interpreter,
    ...(app.interpreter === 'none' ? [] : app.interpreter_args),
    app.script,
    ...app.args,
  ];
}

export function unitOf(app: AppConfig, opts: SystemdOptions): UnitFile {
  const { workers } = layout(app, 'workers');
  const template = app.exec_mode === 'fork' && workers !== 1;
  const base = `shoal-${dnsName(app.name)}`;
  const name = template ? `${base}@.service` : `${base}.service`;
  const cluster = app.exec_mode === 'cluster';
  // A crash loop: more than max_restarts starts within max_restarts runs of min_uptime each.
  const burst = Math.max(1, app.max_restarts);
  const interval = Math.max(10, Math.ceil((app.min_uptime * (burst + 1)) / 1000));
  const memory = cluster ? memoryLimitBytes(app, 'workers') : app.max_memory_restart;
  const env = { ...app.env, ...(template ? { [app.instance_var]: '%i' } : {}) };
  const lines = [
    '[Unit]',
    `Description=${app.name}${template ? ' instance %i' : ''} (exported by Shoal from ${app.source_file ?? 'the command line'})`,
    'After=network-online.target',
    'Wants=network-online.target',
    `StartLimitIntervalSec=${interval}`,
    `StartLimitBurst=${burst}`,
    '',
    '[Service]',
    'Type=simple',
    ...(opts.user ? [`User=${opts.user}`] : []),
    `WorkingDirectory=${app.cwd}`,
    // Each `shoal run` needs a SHOAL_HOME of its own: systemd makes /var/lib/<unit> for it.
    ...(cluster ? [`StateDirectory=${base}`, `Environment=SHOAL_HOME=%S/${base}`] : []),
    ...Object.entries(env).map(([k, v]) =>
      k === app.instance_var && template ? `Environment=${k}=%i` : environmentLine(k, v),
    ),
    `ExecStart=${execStart(app, opts).map(quoteWord).join(' ')}`,
    `Restart=${app.autorestart ? 'on-failure' : 'no'}`,
    `RestartSec=${Math.max(100, app.restart_delay)}ms`,
    ...(app.stop_exit_codes.length > 0 ? [`SuccessExitStatus=${app.stop_exit_codes.join(' ')}`] : []),
    // shoal run turns SIGTERM into each worker's own kill_signal; a direct app gets its kill_signal.
    `KillSignal=${cluster ? 'SIGTERM' : app.kill_signal}`,
    `KillMode=${app.treekill ? 'control-group' : 'process'}`,
    `TimeoutStopSec=${cluster ? graceSeconds(app) : Math.ceil(app.kill_timeout / 1000)}`,
    // A hard limit (the kernel kills at it), unlike Shoal's graceful replacement: the whole unit's.
    ...(memory !== null ? [`MemoryMax=${memory}`] : []),
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ];
  let enable = [`systemctl enable --now ${name}`];
  if (template && workers === 'max')
    enable = [`for i in $(seq 0 $(($(nproc) - 1))); do systemctl enable --now ${base}@$i.service; done`];
  else if (template)
    enable = Array.from({ length: Number(workers) }, (_, i) => `systemctl enable --now ${base}@${i}.service`);
  return { name, text: lines.join('\n'), enable };
}
