// Decides whether `shoal start <arg>` names a process file or a script to run.
// PM2's rule (Common.knonwConfigFileExtensions) plus ecosystem*.js, so `shoal start ecosystem.js` works
// too, and the TypeScript forms (.ts, .mts, .cts), which load through the bundled tsx.
import { basename, extname } from 'node:path';

/**
 * True for: *.json, *.json5, *.yaml, *.yml; *.config.{js,cjs,mjs,ts,cts,mts}; and any file with one of
 * those code extensions whose name starts with "ecosystem" (ecosystem.js, ecosystem.prod.cts).
 * Case-insensitive. Any other script (app.js, server.mjs, worker.ts) is a script to run.
 */
export function isProcessFile(path: string): boolean {
  const name = basename(path).toLowerCase();
  if (/\.(json5?|ya?ml)$/.test(name)) return true;
  if (/\.config\.(c|m)?[jt]s$/.test(name)) return true;
  return /^ecosystem.*\.(c|m)?[jt]s$/.test(name);
}

/**
 * A name that reads as a process file (ecosystem.toml, app.config.coffee) in a format Shoal cannot load:
 * `start` refuses it rather than run it as a script, which would crash-loop.
 */
export function isUnloadableProcessFile(path: string): boolean {
  const name = basename(path).toLowerCase();
  if (isProcessFile(name) || extname(name) === '') return false;
  return name.startsWith('ecosystem') || /\.config\.[^.]+$/.test(name);
}

/** The files `shoal start` with no argument looks for in the current directory, in this order (PM2's). */
export const DEFAULT_PROCESS_FILES = [
  'ecosystem.config.js',
  'ecosystem.config.cjs',
  'ecosystem.config.mjs',
  'ecosystem.config.ts',
  'ecosystem.config.mts',
  'ecosystem.config.cts',
  'ecosystem.json',
  'ecosystem.yaml',
  'ecosystem.yml',
];
