// What a watched app's watcher looks at and what it ignores. Pure: paths in, booleans out, so the rules
// are tested without a filesystem. Paths in `watch` and `ignore_watch` are relative to the app's cwd.
import { basename, isAbsolute, relative, resolve, sep } from 'node:path';
import type { AppConfig } from '../../protocol/app-config.js';

/** Directories no one wants a restart for; dotfiles (any segment starting with ".") are ignored too. */
const ALWAYS_IGNORED = new Set(['node_modules', '.git']);

export interface WatchRules {
  /** Absolute paths handed to the watcher. */
  roots: string[];
  isIgnored(path: string): boolean;
}

const isInside = (parent: string, child: string) => {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

/** A glob (`*.log`, `logs/**`, `tmp/?.txt`) as a regular expression over a "/"-separated relative path. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const hasGlob = (p: string) => /[*?]/.test(p);

export function watchRules(
  config: Pick<AppConfig, 'cwd' | 'watch' | 'ignore_watch'>,
  opts: { home: string; logFiles: () => string[] },
): WatchRules {
  const roots =
    config.watch === true
      ? [config.cwd]
      : config.watch === false
        ? []
        : config.watch.map((p) => resolve(config.cwd, p));
  const globs = config.ignore_watch.filter(hasGlob).map(globToRegExp);
  const plain = config.ignore_watch.filter((p) => !hasGlob(p));
  const plainPaths = plain.map((p) => resolve(config.cwd, p));
  const plainNames = new Set(plain.filter((p) => !p.includes('/') && !p.includes(sep)));

  return {
    roots,
    isIgnored(path: string): boolean {
      const abs = resolve(config.cwd, path);
      const root = roots.find((r) => isInside(r, abs));
      if (root === undefined || abs === root) return false;
      // SHOAL_HOME holds the daemon's log and the default app logs: watching it would restart in a loop.
      if (isInside(opts.home, abs) && !isInside(opts.home, root)) return true;
      if (opts.logFiles().includes(abs)) return true;
      const rel = relative(root, abs).split(sep).join('/');
      const segments = rel.split('/');
      if (segments.some((s) => ALWAYS_IGNORED.has(s) || s.startsWith('.'))) return true;
      if (segments.some((s) => plainNames.has(s))) return true;
      if (plainPaths.some((p) => isInside(p, abs))) return true;
      const name = basename(abs);
      return globs.some((g) => g.test(rel) || g.test(name));
    },
  };
}
