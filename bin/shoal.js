#!/usr/bin/env node
// The `shoal` executable: runs the compiled CLI (built by `npm install` through the prepare script).
// CommonJS (bin/package.json says so), as the CLI's bundle is: a command then never starts Node's ESM
// loader, which costs some 10 ms before the first line of the CLI runs.
const { existsSync } = require('node:fs');
const { enableCompileCache } = require('node:module');

// Node 22.1+ caches compiled code on disk; older versions use the cache made at build time (cli-loader.js).
enableCompileCache?.();

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  // Answered without loading the CLI: scripts and health checks call this often.
  process.stdout.write(`${require('../package.json').version}\n`);
} else {
  const { BUNDLE, loadCli } = require('./cli-loader.js');
  if (!existsSync(BUNDLE)) {
    console.error('shoal: the CLI is not built yet; run "npm run build" (npm ci does it through "prepare").');
    process.exit(1);
  }
  if (enableCompileCache) require(BUNDLE);
  else loadCli();
}
