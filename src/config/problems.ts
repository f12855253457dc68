// Collects every problem and warning of one load, so the user sees all of them at once,
// then turns the problems into one ShoalError with a line per problem and the facts as fields.
import { relative, isAbsolute } from 'node:path';
import { ShoalError } from '../errors.js';
import type { ConfigWarning } from './types.js';

export interface ConfigIssue {
  app: string | null;
  key: string;
  /** For `shoal start`: the flag that set the key. */
  flag?: string;
  expected: string;
  received: string;
  message: string;
}

/** Where problems come from: a file (absolute path) or the CLI's start options. */
export interface Source {
  file: string | null;
  /** How messages name the source: the file relative to the CLI's cwd, or "start options". */
  label: string;
  /** For `shoal start`: the flag that set each key, named in messages instead of the key. */
  flagOf?: Readonly<Record<string, string>>;
}

export function fileSource(file: string, cliCwd: string): Source {
  const rel = relative(cliCwd, file);
  return { file, label: rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file };
}

export function cliSource(flagOf: Readonly<Record<string, string>> = {}): Source {
  return { file: null, label: 'start options', flagOf };
}

/** A value as messages show it: JSON, cut short so a huge object does not flood the terminal. */
export function showValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  // JSON would show these as null (or fail, for a bigint): say what they are.
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (typeof v === 'bigint') return `${v}n (a BigInt)`;
  if (typeof v === 'symbol') return String(v);
  let s: string;
  try {
    s = typeof v === 'function' ? 'a function' : (JSON.stringify(v) ?? String(v));
  } catch {
    s = String(v);
  }
  s = escapeC1(s);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** JSON escapes C0 control characters but not DEL and C1 (0x9b is CSI to some terminals): escape those too. */
const escapeC1 = (s: string) =>
  s.replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** An app name as messages show it: quoted, control characters escaped (never raw escape codes), cut short. */
export function showName(name: string): string {
  const quoted = JSON.stringify(name).replace(
    /[\u007f-\u009f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return quoted.length > 60 ? `${quoted.slice(0, 56)}..."` : quoted;
}

export class Problems {
  readonly issues: ConfigIssue[] = [];
  readonly warnings: ConfigWarning[] = [];
  /** Issues that are only "script not found": reported with their own code when nothing else is wrong. */
  private readonly scriptIssues = new Set<ConfigIssue>();

  constructor(readonly source: Source) {}

  private where(app: string | null): string {
    return app === null ? this.source.label : `${this.source.label}: app ${showName(app)}`;
  }

  /** A problem with a key: "<where>: key "k": expected X, got Y (detail)"; "option --flag" for a flag. */
  add(app: string | null, key: string, expected: string, value: unknown, detail?: string): ConfigIssue {
    const received = showValue(value);
    const tail = detail ? ` (${detail})` : '';
    const flagOf = this.source.flagOf;
    const flag = flagOf && Object.hasOwn(flagOf, key) ? flagOf[key] : undefined;
    const what = flag === undefined ? `key "${key}"` : `option ${flag}`;
    const message = `${this.where(app)}: ${what}: expected ${expected}, got ${received}${tail}`;
    const issue: ConfigIssue = {
      app,
      key,
      ...(flag === undefined ? {} : { flag }),
      expected,
      received,
      message,
    };
    this.issues.push(issue);
    return issue;
  }

  addScriptNotFound(app: string | null, value: unknown, detail: string): void {
    this.scriptIssues.add(this.add(app, 'script', 'an existing file or a command on PATH', value, detail));
  }

  warn(app: string | null, key: string, text: string): void {
    this.warnings.push({ file: this.source.file, app, key, message: `${this.where(app)}: ${text}` });
  }

  /** Throws everything collected so far as one error; does nothing when there is no problem. */
  throwIfAny(): void {
    if (this.issues.length === 0) return;
    const onlyScripts = this.issues.every((i) => this.scriptIssues.has(i));
    const first = this.issues[0]!;
    const details = {
      ...(this.source.file === null ? {} : { file: this.source.file }),
      ...(first.app === null ? {} : { app: first.app }),
      key: first.key,
      ...(first.flag === undefined ? {} : { flag: first.flag }),
      issues: this.issues.map((i) => ({ ...i })),
      warnings: this.warnings.map((w) => ({ ...w })),
    };
    // The warnings too, in the same report: otherwise they show only once every problem is fixed.
    const message = [
      ...this.issues.map((i) => i.message),
      ...this.warnings.map((w) => `warning: ${w.message}`),
    ].join('\n');
    throw new ShoalError(
      onlyScripts ? 'SHOAL_ERR_SCRIPT_NOT_FOUND' : 'SHOAL_ERR_CONFIG_INVALID',
      message,
      details,
    );
  }
}
