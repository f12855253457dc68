// Applies a process file, read again by the CLI, to the apps the daemon runs: the deploy step of
// `shoal reload ecosystem.config.js` and startOrReload. Apps of the file that are not running are started;
// the others take the file's settings (env, args, script, instances, logs, watch, cron, ...) and are
// reloaded (cluster: worker by worker, no downtime) or restarted (fork mode, or when asked). Apps started
// from the file that it no longer defines are left alone and listed, or deleted with prune.
import { isShoalError } from '../../errors.js';
import type { AppConfig } from '../../protocol/app-config.js';
import type { ParsedRequest, Result } from '../../protocol/channel.js';
import type { AppOutcome, ControlChannel } from '../../protocol/control-channel.js';
import { isLive } from '../../supervision/process-state.js';
import type { AppRunner } from '../app-runner.js';
import { log } from '../daemon-log.js';
import { reportOn } from '../operation-report.js';
import type { Supervisor } from '../supervisor.js';
import { type ConfigChanges, diffConfig } from './config-diff.js';

type ApplyRequest = ParsedRequest<ControlChannel, 'apply'>;
type ApplyResult = Result<ControlChannel, 'apply'>;

const NONE: ConfigChanges = { added: [], removed: [], changed: [] };

/** Settings a cluster app cannot take without a new primary: its mode, and the Node that runs every worker. */
function needsNewRunner(current: AppConfig, next: AppConfig): string | null {
  if (current.exec_mode !== next.exec_mode)
    return `exec_mode changed (${current.exec_mode} -> ${next.exec_mode})`;
  if (next.exec_mode === 'cluster' && current.interpreter !== next.interpreter)
    return 'the interpreter of a cluster app changed (it runs the primary and every worker)';
  // The primary holds the listening sockets and does the balancing; a reload keeps it.
  if (next.exec_mode === 'cluster' && current.balancer !== next.balancer)
    return `balancer changed (${current.balancer} -> ${next.balancer}; it is set up when the primary starts)`;
  return null;
}

interface Step {
  outcome: AppOutcome;
  messages: string[];
  warnings: string[];
}

async function startNew(sup: Supervisor, config: AppConfig, cliEnv: Record<string, string>): Promise<Step> {
  const res = await sup.start({ apps: [config], cli_env: cliEnv, wait: false, hints: true });
  const outcome: AppOutcome = {
    name: config.name,
    action: 'started',
    changes: NONE,
    detail: 'was not running: started',
    error: null,
  };
  return { outcome, messages: res.messages, warnings: res.warnings };
}

/** Reloads or restarts a known app with the file's settings, keeping its ids and restart counts. */
async function update(
  sup: Supervisor,
  runner: AppRunner,
  config: AppConfig,
  req: ApplyRequest,
): Promise<Step> {
  const changes = diffConfig(runner.config, config);
  const cliEnv = req.update_env ? req.cli_env : runner.cliEnv;
  const why = needsNewRunner(runner.config, config);
  if (why) {
    await sup.delete(config.name);
    const step = await startNew(sup, config, cliEnv);
    step.outcome = {
      ...step.outcome,
      action: 'recreated',
      changes,
      detail: `${why}: deleted and started again (new process ids)`,
    };
    return step;
  }
  const wasRunning = runner.processes().some((p) => isLive(p.status));
  const how = req.action === 'reload' ? 'reload' : 'restart';
  const messages: string[] = [];
  const wanted = sup.appContext.resolveInstances(config.instances);
  const had = runner.ids().length;
  if (had === 0) {
    // Registered but never started (autostart off, or resurrected as stopped): nothing to replace.
    runner.config = config;
    runner.cliEnv = cliEnv;
    await runner.start();
  } else {
    // Fewer instances: the extra ones go first, so that only the processes that stay are replaced; more:
    // added once the others run the new settings.
    if (wanted < had) messages.push(...(await runner.scale(wanted)));
    const reloaded = how === 'reload' ? await runner.reload({ config, cliEnv }) : [];
    // A cluster reload says how the new workers proved ready; a fork app's note is this outcome's detail.
    if (config.exec_mode === 'cluster') messages.push(...reloaded);
    if (how === 'restart') await runner.restart(undefined, { config, cliEnv });
    if (wanted > had) messages.push(...(await runner.scale(wanted)));
  }
  // scale() records the count it was given; keep what the file says ("max" stays "max").
  runner.config = config;
  // Watch and cron set themselves up per app when it is added: let them read the new settings.
  sup.emit('app:added', runner);
  const mode = config.exec_mode;
  const action = !wasRunning ? 'started' : how === 'reload' && mode === 'cluster' ? 'reloaded' : 'restarted';
  const detail = !wasRunning
    ? "was stopped: started with the file's settings"
    : mode === 'cluster' && how === 'reload'
      ? 'workers replaced one by one'
      : mode === 'fork' && how === 'reload'
        ? 'fork mode: processes restarted one by one, no shared listener to hand over'
        : 'stopped and started again';
  return { outcome: { name: config.name, action, changes, detail, error: null }, messages, warnings: [] };
}

async function stopOrDelete(sup: Supervisor, config: AppConfig, action: 'stop' | 'delete'): Promise<Step> {
  const name = config.name;
  if (!sup.app(name)) {
    const outcome: AppOutcome = {
      name,
      action: 'unknown',
      changes: NONE,
      detail: 'not known to the daemon: nothing to do',
      error: null,
    };
    return { outcome, messages: [], warnings: [] };
  }
  if (action === 'stop') await sup.stop(name);
  else await sup.delete(name);
  const done = action === 'stop' ? 'stopped' : 'deleted';
  return {
    outcome: { name, action: done, changes: NONE, detail: done, error: null },
    messages: [],
    warnings: [],
  };
}

export async function applyProcessFile(sup: Supervisor, req: ApplyRequest): Promise<ApplyResult> {
  const since = Date.now();
  const steps: Step[] = [];
  // One app after another, in file order: a deploy is about keeping capacity, not about speed.
  for (const config of req.apps) {
    try {
      const runner = sup.app(config.name);
      if (req.action === 'stop' || req.action === 'delete')
        steps.push(await stopOrDelete(sup, config, req.action));
      else if (!runner) steps.push(await startNew(sup, config, req.cli_env));
      else steps.push(await update(sup, runner, config, req));
    } catch (err) {
      const code = isShoalError(err) ? err.code : 'SHOAL_ERR_INTERNAL';
      const message = (err as Error).message;
      log('apply.failed', { app: config.name, file: req.file, code, message });
      const outcome: AppOutcome = {
        name: config.name,
        action: 'failed',
        changes: sup.app(config.name) ? diffConfig(sup.app(config.name)!.config, config) : NONE,
        detail: message.split('\n')[0] ?? message,
        error: { code, message },
      };
      steps.push({ outcome, messages: [], warnings: [] });
    }
  }
  const gone = sup
    .appRunners()
    .filter((r) => r.config.source_file === req.file && !req.file_apps.includes(r.name))
    .map((r) => r.name);
  const acts = req.action === 'reload' || req.action === 'restart';
  const pruned: string[] = [];
  if (acts && req.prune) {
    for (const name of gone) {
      await sup.delete(name);
      pruned.push(name);
    }
  }
  log('apply.done', { file: req.file, action: req.action, apps: steps.map((s) => s.outcome.action), pruned });
  const names = new Set(req.apps.map((a) => a.name));
  const touched = () => sup.appRunners().filter((r) => names.has(r.name));
  sup.sampler.tick();
  const report = acts
    ? await reportOn(() => touched().flatMap((r) => r.details()), since, req.wait)
    : { warnings: [], failures: [] };
  return {
    apps: steps.map((s) => s.outcome),
    left_alone: acts && !req.prune ? gone : [],
    pruned,
    processes: sup.list().filter((p) => names.has(p.name)),
    messages: steps.flatMap((s) => s.messages),
    warnings: [...steps.flatMap((s) => s.warnings), ...report.warnings],
    failures: report.failures,
  };
}
