// Reads a process file into a plain value by its format: JSON (with PM2's JSON5-ish leniency), YAML, or JS.
// Missing files and files that do not parse or evaluate become coded errors that name the file and line.
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import { isMap, isScalar, parseDocument, YAMLParseError } from 'yaml';
import { ShoalError } from '../errors.js';
import { ConfigEvaluationError, evaluateJsConfig } from './evaluate-js-config.js';
import { MAX_NESTING, nestsDeeperThan } from '../protocol/nesting.js';
import type { Source } from './problems.js';

/** Process files that are code: evaluated in a child process, TypeScript through the bundled tsx. */
const JS_EXTENSIONS = new Set(['.js', '.cjs', '.mjs', '.ts', '.mts', '.cts']);

export async function readProcessFile(source: Source & { file: string }): Promise<unknown> {
  const value = await readByFormat(source);
  if (nestsDeeperThan(value)) {
    throw new ShoalError(
      'SHOAL_ERR_CONFIG_LOAD',
      `${source.label}: its values nest more than ${MAX_NESTING} levels deep; no process file needs that many`,
      { file: source.file },
    );
  }
  return value;
}

async function readByFormat(source: Source & { file: string }): Promise<unknown> {
  const { file } = source;
  checkReadable(source);
  const ext = extname(file).toLowerCase();
  try {
    if (ext === '.json' || ext === '.json5') return parseJsonLike(readFileSync(file, 'utf8'), file);
    if (ext === '.yaml' || ext === '.yml') return parseYamlFile(readFileSync(file, 'utf8'));
    if (JS_EXTENSIONS.has(ext)) return await evaluateJsConfig(file);
  } catch (err) {
    throw loadError(source, err);
  }
  throw new ShoalError(
    'SHOAL_ERR_CONFIG_LOAD',
    `${source.label}: unsupported process file type "${ext}"; use .json, .json5, .yaml, .yml, .js, .cjs, .mjs, .ts, .mts or .cts`,
    { file },
  );
}

/**
 * YAML with merge keys: PM2 reads YAML with js-yaml, which applies `<<: *defaults`; yaml 2 needs asking.
 * A top-level key that only defines an anchor (`defaults: &defaults`) is a template for those merges,
 * not a setting, so it is left out instead of being warned about as an unknown key.
 */
function parseYamlFile(text: string): unknown {
  const doc = parseDocument(text, { prettyErrors: true, merge: true });
  if (doc.errors.length > 0) throw doc.errors[0];
  const value: unknown = doc.toJS();
  if (isMap(doc.contents) && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const pair of doc.contents.items) {
      const node = pair.value as { anchor?: string } | null;
      if (isScalar(pair.key) && pair.key.value !== 'apps' && node?.anchor)
        delete (value as Record<string, unknown>)[String(pair.key.value)];
    }
  }
  return value;
}

/** A JSON process file given as text (stdin): a syntax error names the source and line. */
export function parseJsonProcessFile(text: string, source: Source): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const line = lineOfPosition(text, (err as Error).message);
    const where = line === undefined ? source.label : `${source.label}:${line}`;
    throw new ShoalError(
      'SHOAL_ERR_CONFIG_LOAD',
      `${where}: syntax error: ${(err as Error).message} (stdin takes a JSON process file)`,
      { ...(line === undefined ? {} : { line }) },
    );
  }
}

function checkReadable(source: Source & { file: string }): void {
  try {
    if (!statSync(source.file).isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
    accessSync(source.file, constants.R_OK);
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : 'it cannot be read';
    throw new ShoalError(
      'SHOAL_ERR_CONFIG_NOT_FOUND',
      `${source.label}: process file not found: ${why} (${source.file})`,
      {
        file: source.file,
        reason: code,
      },
      { cause: err },
    );
  }
}

const JSON_EVAL_TIMEOUT_MS = 2000;

/**
 * JSON first. PM2 evaluates .json files as a JavaScript expression, so comments, single quotes and trailing
 * commas work there; Shoal accepts the same, but when both fail it reports the JSON error, which is the clearer one.
 */
function parseJsonLike(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (jsonError) {
    try {
      const value: unknown = new Script(`(${text}\n)`, { filename: file }).runInNewContext(
        {},
        { timeout: JSON_EVAL_TIMEOUT_MS },
      );
      // Round-trip through JSON: values from another vm context fail instanceof checks.
      return JSON.parse(JSON.stringify(value) ?? 'null');
    } catch (vmError) {
      if ((vmError as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
        // Not valid JSON, so evaluated as PM2 does; the expression ran past its time limit.
        throw new Error(
          `it is not plain JSON, and evaluating it as an expression (as PM2 does) did not finish within ${JSON_EVAL_TIMEOUT_MS} ms`,
        );
      }
      throw Object.assign(new SyntaxError((jsonError as Error).message), {
        line: lineOfPosition(text, (jsonError as Error).message) ?? lineInStack(vmError, file),
      });
    }
  }
}

function lineOfPosition(text: string, message: string): number | undefined {
  const m = /at position (\d+)/.exec(message);
  return m ? text.slice(0, Number(m[1])).split('\n').length : undefined;
}

/** The line of `file` an error points at: from its stack (syntax errors put "file:line" first, throws have frames). */
function lineInStack(err: unknown, file: string): number | undefined {
  const stack = (err as { stack?: unknown })?.stack;
  if (typeof stack !== 'string') return undefined;
  for (const name of [pathToFileURL(file).href, file]) {
    const at = stack.indexOf(name);
    if (at === -1) continue;
    const m = /^(?:\?[^:]*)?:(\d+)/.exec(stack.slice(at + name.length));
    if (m) return Number(m[1]);
  }
  return undefined;
}

function loadError(source: Source & { file: string }, err: unknown): ShoalError {
  if (err instanceof ConfigEvaluationError && err.behaviour) {
    return new ShoalError('SHOAL_ERR_CONFIG_LOAD', `${source.label}: ${err.message}`, { file: source.file });
  }
  const e = err instanceof Error ? err : new Error(String(err));
  // A parser that recurses (YAML's) runs out of stack on a deeply nested value: not a syntax error.
  if (/Maximum call stack size exceeded/.test(e.message)) {
    return new ShoalError(
      'SHOAL_ERR_CONFIG_LOAD',
      `${source.label}: its values nest too deeply to be read (more than ${MAX_NESTING} levels is refused anyway)`,
      { file: source.file },
      { cause: err },
    );
  }
  const line =
    err instanceof YAMLParseError
      ? err.linePos?.[0]?.line
      : ((e as { line?: number }).line ?? lineInStack(e, source.file));
  const what =
    e instanceof SyntaxError || err instanceof YAMLParseError ? 'syntax error' : 'error while evaluating';
  const where = line === undefined ? source.label : `${source.label}:${line}`;
  // YAML's pretty message already shows the line and a code excerpt; keep only its first line.
  const message = e.message.split('\n')[0];
  return new ShoalError(
    'SHOAL_ERR_CONFIG_LOAD',
    `${where}: ${what}: ${message}`,
    {
      file: source.file,
      ...(line === undefined ? {} : { line }),
    },
    { cause: err },
  );
}
