#!/usr/bin/env node
// The `shoal` executable: runs the compiled CLI (built by `npm install` through the prepare script).
import { readFileSync } from 'node:fs';
import module from 'node:module';

// Node 22.1+ caches compiled code on disk; older versions simply skip this.
module.enableCompileCache?.();

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  // Answered without loading the CLI: scripts and health checks call this often.
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
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
