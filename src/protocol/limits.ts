// Bounds on what an app's configuration may ask for, shared by the config loader (which names the file,
// app and key) and the daemon (which checks again what arrives on its socket). Without them, a typo such
// as `instances: 1e9` exhausts the daemon's memory, and a duration past Node's timer range fires at once:
// `kill_timeout: 1e12` would SIGKILL an app 1 ms after asking it to stop.

/** Node's timers hold a signed 32-bit count of ms; a longer delay is replaced by 1 ms. About 24.8 days. */
export const MAX_DURATION_MS = 2 ** 31 - 1;
/** Processes of one app (and the total a scale may reach): far beyond any machine's CPU count. */
export const MAX_INSTANCES = 1024;
/** Counts such as max_restarts. */
export const MAX_COUNT = 2 ** 31 - 1;
/** App names are addressed on the command line and named in file names (see supervision/app-files.ts). */
export const MAX_NAME_LENGTH = 128;
/** Words the CLI reads as something other than an app name. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(['all', '__proto__', 'constructor', 'prototype']);

export const durationLimitText = `at most ${MAX_DURATION_MS} ms (about 24.8 days), the longest delay Node's timers can wait`;

/** What is wrong with an app name (or namespace), phrased as what was expected, or null when it is fine. */
export function nameProblem(name: string): string | null {
  if (name.length === 0) return 'a non-empty name';
  if (name.length > MAX_NAME_LENGTH) return `a name of at most ${MAX_NAME_LENGTH} characters`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused here
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name))
    return 'a name without control characters (they would be written raw to terminals)';
  if (/^\d+$/.test(name)) return 'a name that is not only digits (numbers are process ids)';
  if (/[\s/:]/.test(name)) return 'a name without "/", ":" or whitespace';
  if (name === '.' || name === '..') return 'a name other than "." or ".."';
  if (RESERVED_NAMES.has(name)) return `a name other than "${name}", which Shoal reserves`;
  return null;
}
