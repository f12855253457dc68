// Loads the CLI's CommonJS bundle (dist/bundle/cli.cjs) with a V8 code cache made when it was built.
// Compiling the bundle's 450 KB and the functions a command calls is about a quarter of a short
// command's time; with the cache V8 reads the compiled code instead. Node 22 keeps such a cache by
// itself (module.enableCompileCache, which bin/shoal.js turns on where it exists); this is the same on
// Node 20. A cache V8 does not accept (another Node version, other V8 flags, a changed bundle) is
// ignored and the bundle compiles as it would without one.
'use strict';
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname, join } = require('node:path');
const vm = require('node:vm');

const BUNDLE = join(__dirname, '..', 'dist', 'bundle', 'cli.cjs');
const CACHE = `${BUNDLE}.cache`;

/** The bundle compiled as require() would wrap it, with the cache when there is one. */
function compile(source, cachedData) {
  return new vm.Script(Module.wrap(source), {
    filename: BUNDLE,
    cachedData,
  });
}

function run(script) {
  const mod = new Module(BUNDLE, module);
  mod.filename = BUNDLE;
  const fn = script.runInThisContext();
  fn.call(mod.exports, mod.exports, Module.createRequire(BUNDLE), mod, BUNDLE, dirname(BUNDLE));
}

function readCache() {
  try {
    return readFileSync(CACHE);
  } catch {
    return undefined;
  }
}

/**
 * Runs the CLI. Code compiled here cannot call import() (the bundle's imports of ES modules go through
 * dist/bundle/import-module.cjs, which Node loads as usual: src/cli/import-module.ts).
 */
function loadCli() {
  run(compile(readFileSync(BUNDLE, 'utf8'), readCache()));
}

/**
 * Run by scripts/bundle.js: runs the CLI with `args` (a command that only prints, such as `ls --help`)
 * and, as it exits, writes the cache of everything V8 compiled meanwhile: the bundle and the functions
 * that start every command.
 */
function writeCodeCache(args) {
  const script = compile(readFileSync(BUNDLE, 'utf8'), undefined);
  process.argv = [process.argv[0], join(__dirname, 'shoal.js'), ...args];
  process.once('exit', () => {
    writeFileSync(`${CACHE}.tmp`, script.createCachedData());
    renameSync(`${CACHE}.tmp`, CACHE);
  });
  run(script);
}

module.exports = { BUNDLE, CACHE, compile, loadCli, writeCodeCache };
