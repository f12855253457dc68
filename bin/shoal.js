#!/usr/bin/env node
// The `shoal` executable: runs the compiled CLI (built by `npm install` through the prepare script).
import('../dist/cli/index.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli')) {
    console.error('shoal: the CLI is not built yet; run "npm run build" (npm ci does it through "prepare").');
    process.exit(1);
  }
  throw err;
});
