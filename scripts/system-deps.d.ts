// Types of system-deps.js, which stays plain JavaScript so that it runs before `npm ci`.
export interface Detector {
  /** What is looked for, as the missing-package message says it. */
  what: string;
  test(env: NodeJS.ProcessEnv): boolean;
}

export interface SystemPackage {
  /** The Debian package name. */
  name: string;
  present: Detector;
  /** Which tests need it. */
  for: string;
}

export const SYSTEM_PACKAGES: SystemPackage[];
export function onPath(command: string): Detector;
export function executable(path: string): Detector;
export function succeeds(command: string, ...args: string[]): Detector;
export function isExecutableFile(path: string): boolean;
export function findOnPath(command: string, pathList: string): string | null;
export function missingPackages(packages: SystemPackage[], env?: NodeJS.ProcessEnv): SystemPackage[];
export function installCommand(names: string[], opts: { root: boolean }): string;
export function decide(
  packages: SystemPackage[],
  env: NodeJS.ProcessEnv,
  opts: { root: boolean },
): { action: 'ok' | 'skip' | 'install' | 'stop'; missing: SystemPackage[] };
