#!/usr/bin/env node
// The `shoal` executable: runs the compiled CLI (built by `npm install` through the prepare script).
// Only node:module is imported: importing a built-in makes Node build an ESM facade of it, and the one
// for node:fs loads Node's stream modules. The bundles take built-ins with require() for the same reason.
import module from 'node:module';

// Node 22.1+ caches compiled code on disk; older versions simply skip this.
module.enableCompileCache?.();

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  // Answered without loading the CLI: scripts and health checks call this often.
  const pkg = module.createRequire(import.meta.url)('../package.json');
  process.stdout.write(`${pkg.version}\n`);
} else {
  import('../dist/cli/index.js').catch((err) => {
    if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli')) {
      console.error(
        'shoal: the CLI is not built yet; run "npm run build" (npm ci does it through "prepare").',
      );
      process.exit(1);
    }
    throw err;
  });
}
