// Evaluates a JavaScript (or, with tsx loaded, TypeScript) process file, in the child process of
// evaluate-js-config.ts. CommonJS goes through require (fresh each time, so a long-lived
// process sees edits); ES modules through import() with a query that makes each load a new module instance.
// Only the file itself is reloaded: modules it imports stay cached, as they do in Node.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isPlainObject } from './is-object.js';

let loads = 0;

export async function importJsConfig(file: string): Promise<unknown> {
  const ext = extname(file).toLowerCase();
  // TypeScript files follow the same rules as their JavaScript counterparts (tsx is loaded by the caller).
  const esm =
    ext === '.mjs' ||
    ext === '.mts' ||
    ((ext === '.js' || ext === '.ts') && packageTypeOf(dirname(file)) === 'module');
  if (!esm) {
    try {
      return unwrap(requireFresh(file));
    } catch (err) {
      // ESM syntax in a file Node takes for CommonJS: retry as a module rather than fail on a technicality.
      const code = (err as { code?: unknown }).code;
      if (code !== 'ERR_REQUIRE_ESM' && code !== 'ERR_REQUIRE_ASYNC_MODULE') throw err;
    }
  }
  loads += 1;
  try {
    return unwrap(await import(`${pathToFileURL(file).href}?shoal-load=${loads}`));
  } catch (err) {
    // Node 20 keeps the location of an ES module syntax error out of the error object; `node --check` prints it.
    if (err instanceof SyntaxError && !/\.[cm]?ts$/.test(ext))
      Object.assign(err, { line: syntaxErrorLine(file) });
    throw err;
  }
}

function syntaxErrorLine(file: string): number | undefined {
  const check = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8', timeout: 5000 });
  const m = /^(?:file:\/\/)?[^\n]*:(\d+)\n/.exec(check.stderr ?? '');
  return m ? Number(m[1]) : undefined;
}

function requireFresh(file: string): unknown {
  const require = createRequire(file);
  const id = require.resolve(file);
  delete require.cache[id];
  return require(id);
}

/** `export default {...}` and `export const apps = [...]` both work; PM2 itself only sees module.exports. */
function unwrap(mod: unknown): unknown {
  if (!isPlainObject(mod)) return mod;
  const isModule = Object.prototype.toString.call(mod) === '[object Module]' || mod.__esModule === true;
  if (!isModule) return mod;
  if (mod.default !== undefined) return mod.default;
  if (mod.apps !== undefined) return { apps: mod.apps };
  return mod;
}

/** The "type" of the nearest package.json, which decides how Node reads a .js file. */
function packageTypeOf(dir: string): string {
  for (let d = dir; ; d = dirname(d)) {
    try {
      const pkg: unknown = JSON.parse(readFileSync(join(d, 'package.json'), 'utf8'));
      return isPlainObject(pkg) && pkg.type === 'module' ? 'module' : 'commonjs';
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'ENOENT') return 'commonjs';
    }
    if (dirname(d) === d) return 'commonjs';
  }
}
