// One app entry in, one AppConfig out: aliases renamed, keys sorted, types checked, then the script, paths,
// interpreter, instances and env resolved. Problems are collected, not thrown, so the user sees all of them.
import { checkExtensionSettings } from './extension-settings.js';
import { realpathSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { type AppConfig, AppConfigSchema } from '../protocol/app-config.js';
import { renameAliases } from './compat/aliases.js';
import { sortKeys } from './compat/key-kinds.js';
import { isPlainObject } from './is-object.js';
import { checkUniqueNames, nameProblem } from './names.js';
import type { Problems } from './problems.js';
import { EXPECTED, RAW_APP_KEYS, type RawApp, rawAppSchema } from './raw-app-schema.js';
import { splitCommandLine } from './resolve/command-line.js';
import { mergeEnv } from './resolve/env.js';
import { resolveExecMode, resolveInstances } from './resolve/instances.js';
import { interpreterForFile, resolveNamed } from './resolve/interpreter.js';
import { isNodeInterpreter } from './resolve/script-content.js';
import { resolveLogPath } from './resolve/log-paths.js';
import { defaultName, resolveScript } from './resolve/script.js';
import { isDirectory } from './resolve/which.js';

export interface AppContext {
  /** Directory relative `cwd` values start from: the process file's directory, or the CLI's cwd. */
  baseCwd: string;
  sourceFile: string | null;
  envName: string | null;
}

/** Normalizes every entry, then checks names are unique; returns only the apps without problems. */
export function normalizeApps(entries: unknown[], ctx: AppContext, problems: Problems): AppConfig[] {
  const apps: AppConfig[] = [];
  const names: { name: string; index: number }[] = [];
  entries.forEach((entry, index) => {
    const app = normalizeApp(entry, index, ctx, problems);
    if (app) {
      apps.push(app);
      names.push({ name: app.name, index });
    }
  });
  checkUniqueNames(names, problems);
  return apps;
}

function normalizeApp(entry: unknown, index: number, ctx: AppContext, problems: Problems): AppConfig | null {
  if (!isPlainObject(entry)) {
    problems.add(`#${index + 1}`, 'apps', 'an app object', entry);
    return null;
  }
  const before = problems.issues.length;
  const label = labelOf(entry, index);
  // null means "not set", as it does for PM2's own defaults.
  const set = Object.fromEntries(Object.entries(entry).filter(([, v]) => v !== null && v !== undefined));
  const sorted = sortKeys(renameAliases(set, label, problems), RAW_APP_KEYS, label, problems);
  const raw = parseRaw(sorted.known, label, problems);
  checkExtensionSettings(sorted.extra, label, problems);

  const cwd = resolve(ctx.baseCwd, raw.cwd ?? '.');
  const cwdExists = isDirectory(cwd);
  if (!cwdExists) problems.add(label, 'cwd', 'an existing directory', raw.cwd, `${cwd} is not a directory`);

  const script = raw.script === undefined || !cwdExists ? undefined : resolveScript(raw.script, cwd);
  if (raw.script === undefined && !('script' in sorted.known)) {
    problems.add(label, 'script', EXPECTED.script!, undefined, 'every app needs a script');
  } else if (script?.kind === 'missing') problems.addScriptNotFound(label, raw.script, script.reason);

  const name = raw.name ?? (script && script.kind !== 'missing' ? defaultName(script.path) : label);
  // An explicit name was checked by the schema; only a name derived from the script is checked here.
  const derivedProblem = 'name' in sorted.known ? null : nameProblem(name);
  if (derivedProblem) problems.add(label, 'name', derivedProblem, name, 'taken from the script; set "name"');

  const picked = pickInterpreter(raw, script, cwd, label, problems);
  const interpreter = picked.path;
  const runsOnNode = interpreter === 'node' || isNodeInterpreter(interpreter);
  const exec_mode = resolveExecMode(
    raw.exec_mode,
    raw.instances !== undefined,
    runsOnNode ? 'node' : interpreter,
  );
  if (exec_mode === 'cluster' && !runsOnNode) {
    const what = interpreter === 'none' ? 'a program run directly' : `run by "${interpreter}"`;
    const why = `cluster mode shares a port between Node workers, and this script is ${what}; run several copies with exec_mode "fork" and instances, or give the interpreter if it is a Node script`;
    problems.add(
      label,
      'exec_mode',
      '"fork" for a script that is not run by Node',
      sorted.known.exec_mode ?? 'cluster',
      why,
    );
  }
  const env = mergeEnv(raw.env, sorted.overlays, ctx.envName, label, problems);
  const balancer = pickBalancer(raw, exec_mode, label, problems);

  if (problems.issues.length > before || !script || script.kind === 'missing') return null;
  const parsed = AppConfigSchema.safeParse({
    ...raw,
    name,
    script: script.path,
    cwd,
    args: [...(script.kind === 'command' ? script.argsBefore : []), ...(raw.args ?? [])],
    interpreter,
    interpreter_args: raw.interpreter_args ?? picked.args,
    exec_mode,
    instances: resolveInstances(raw.instances),
    env,
    env_name: ctx.envName,
    balancer,
    out_file: resolveLogPath(raw.out_file, cwd),
    error_file: resolveLogPath(raw.error_file, cwd),
    source_file: ctx.sourceFile,
    extra: sorted.extra,
  });
  if (parsed.success) return parsed.data;
  // The raw schema should rule all of this out; if it did not, still report it the same way.
  for (const issue of parsed.error.issues) {
    const key = String(issue.path[0] ?? '');
    problems.add(label, key, issue.message, (raw as Record<string, unknown>)[key]);
  }
  return null;
}

/** Checks the keys' types. On failure the bad keys are reported and dropped, and the rest still parses. */
function parseRaw(known: Record<string, unknown>, label: string, problems: Problems): RawApp {
  const first = rawAppSchema.safeParse(known);
  if (first.success) return first.data;
  const bad = new Set<string>();
  for (const issue of first.error.issues) {
    const key = String(issue.path[0] ?? '');
    if (bad.has(key)) continue;
    bad.add(key);
    const expected = issue.code === 'custom' ? issue.message : (EXPECTED[key] ?? issue.message);
    problems.add(label, key, expected, known[key]);
  }
  const rest = rawAppSchema.safeParse(Object.fromEntries(Object.entries(known).filter(([k]) => !bad.has(k))));
  return rest.success ? rest.data : {};
}

function pickInterpreter(
  raw: RawApp,
  script: ReturnType<typeof resolveScript> | undefined,
  cwd: string,
  label: string,
  problems: Problems,
): { path: string; args: string[] } {
  // A file or a command gets the interpreter its extension or its content calls for (an npm bin file is
  // a Node script; `sleep` is a binary). A missing script gets "node" so that it causes no follow-on
  // errors (cluster mode) of its own.
  const picked =
    raw.interpreter !== undefined
      ? { interpreter: raw.interpreter, args: [] }
      : script && script.kind !== 'missing'
        ? interpreterForFile(realScriptPath(script.path))
        : { interpreter: 'node', args: [] };
  const { path, found } = resolveNamed(picked.interpreter, cwd);
  if (!found)
    problems.warn(
      label,
      'interpreter',
      `interpreter "${picked.interpreter}" was not found; the app cannot start until it is installed`,
    );
  return { path, args: picked.args };
}

/** `balancer`, or PM2-style `sticky: true` (ip-hash); both only mean something in cluster mode. */
function pickBalancer(raw: RawApp, execMode: string, label: string, problems: Problems): RawApp['balancer'] {
  const { sticky } = raw;
  let balancer = raw.balancer;
  if (sticky === true && balancer !== undefined && balancer !== 'ip-hash') {
    problems.add(
      label,
      'sticky',
      `no "sticky" with balancer "${balancer}"`,
      sticky,
      'sticky: true is balancer "ip-hash"',
    );
  } else if (sticky === true) balancer = 'ip-hash';
  if (balancer !== undefined && balancer !== 'round-robin' && execMode !== 'cluster')
    problems.warn(
      label,
      'balancer',
      `balancer "${balancer}" applies to cluster mode only; this app runs in fork mode`,
    );
  return balancer;
}

/** The file behind a symlink (node_modules/.bin/x links to the package's file), to read its content. */
function realScriptPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** How messages name an entry before its name is known: its name, its script's name, or its position. */
function labelOf(entry: Record<string, unknown>, index: number): string {
  if (typeof entry.name === 'string' && entry.name !== '') return entry.name;
  const script = entry.script ?? entry.exec;
  if (typeof script !== 'string' || script.trim() === '') return `#${index + 1}`;
  try {
    const first = splitCommandLine(script)[0];
    return first && /\s/.test(script.trim()) ? basename(first) : defaultName(script);
  } catch {
    return `#${index + 1}`;
  }
}
