// Decides whether `shoal start <arg>` names a process file or a script to run.
// PM2's rule (Common.knonwConfigFileExtensions) plus ecosystem*.js, so `shoal start ecosystem.js` works too.
import { basename } from 'node:path';

/**
 * True for: *.json, *.json5, *.yaml, *.yml; *.config.js, *.config.cjs, *.config.mjs; and any .js/.cjs/.mjs
 * file whose name starts with "ecosystem" (ecosystem.js, ecosystem.prod.cjs). Case-insensitive.
 * Any other script (app.js, server.mjs) is a script to run.
 */
export function isProcessFile(path: string): boolean {
  const name = basename(path).toLowerCase();
  if (/\.(json5?|ya?ml)$/.test(name)) return true;
  if (/\.config\.(c|m)?js$/.test(name)) return true;
  return /^ecosystem.*\.(c|m)?js$/.test(name);
}
