// Refuses a SHOAL_HOME that another local user could change, the way ssh's StrictModes refuses a
// ~/.ssh it cannot trust: the home holds dump.json, whose commands `shoal resurrect` runs as its owner,
// so whoever can rename or replace the home or any directory above it can run commands as that owner.
import { lstatSync, realpathSync, type Stats, statSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { ShoalError } from './errors.js';

const GROUP_OR_OTHER_WRITE = 0o022;
const STICKY = 0o1000;

interface Problem {
  path: string;
  why: string;
  fix: string;
}

/** Every directory from path up to the root: path, its parent, ..., "/". */
function chain(path: string): string[] {
  const dirs = [path];
  for (let d = path; dirname(d) !== d; d = dirname(d)) dirs.push(dirname(d));
  return dirs;
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

/**
 * What is wrong with a directory above the home: owned by someone other than us or root, or writable by
 * others without the sticky bit (a sticky directory such as /tmp lets others add entries, never replace ours).
 */
function ancestorProblem(path: string, st: Stats, uid: number): Problem | null {
  if (st.uid !== uid && st.uid !== 0) {
    return {
      path,
      why: `it is owned by uid ${st.uid}, not by you (uid ${uid}) or root`,
      fix: `chown ${uid} '${path}', or choose a SHOAL_HOME outside it`,
    };
  }
  if ((st.mode & GROUP_OR_OTHER_WRITE) !== 0 && (st.mode & STICKY) === 0) {
    return {
      path,
      why: `other users can write to it (mode ${(st.mode & 0o7777).toString(8)}) and it is not sticky`,
      fix: `chmod go-w '${path}' (or chmod +t for a shared directory), or choose a SHOAL_HOME outside it`,
    };
  }
  return null;
}

function problemsOf(root: string, uid: number): Problem[] {
  const problems: Problem[] = [];
  const home = lstatOrNull(root);
  if (home?.isDirectory()) {
    if (home.uid !== uid) {
      problems.push({
        path: root,
        why: `the home itself is owned by uid ${home.uid}, not by you (uid ${uid})`,
        fix: `chown -R ${uid} '${root}' after checking its files, or choose another SHOAL_HOME`,
      });
    } else if ((home.mode & GROUP_OR_OTHER_WRITE) !== 0) {
      problems.push({
        path: root,
        why: `other users can write to the home (mode ${(home.mode & 0o7777).toString(8)}): they may have planted files`,
        fix: `check its files (dump.json above all), then chmod 700 '${root}'`,
      });
    }
  } else if (home && !home.isSymbolicLink()) {
    problems.push({
      path: root,
      why: 'it is not a directory',
      fix: 'remove it or choose another SHOAL_HOME',
    });
  }
  // The path as written: a symlink on it must be ours or root's, its directory is checked as it stands.
  for (const dir of chain(root)) {
    const st = lstatOrNull(dir);
    if (!st) continue;
    if (st.isSymbolicLink()) {
      if (st.uid !== uid && st.uid !== 0) {
        problems.push({
          path: dir,
          why: `this symbolic link is owned by uid ${st.uid}, not by you (uid ${uid}) or root`,
          fix: `use the real path instead, or choose another SHOAL_HOME`,
        });
      }
    } else if (dir !== root) {
      const p = ancestorProblem(dir, st, uid);
      if (p) problems.push(p);
    }
  }
  // The path as resolved: where the home really lives (or would be created), up to "/".
  let existing = root;
  while (!lstatOrNull(existing) && dirname(existing) !== existing) existing = dirname(existing);
  let real: string;
  try {
    real = realpathSync(existing);
  } catch {
    return problems;
  }
  for (const dir of chain(real)) {
    if (dir === real && existing === root) continue; // the home itself, checked above
    let st: Stats;
    try {
      st = statSync(dir);
    } catch {
      continue;
    }
    const p = ancestorProblem(dir, st, uid);
    if (p && !problems.some((q) => q.path === p.path)) problems.push(p);
  }
  return problems;
}

/** Throws SHOAL_ERR_HOME naming every unsafe directory and how to fix it. No-op where there are no uids. */
export function assertHomeIsPrivate(root: string): void {
  const uid = process.getuid?.();
  if (uid === undefined) return;
  const abs = resolve(root);
  const problems = problemsOf(abs.endsWith(sep) && abs.length > 1 ? abs.slice(0, -1) : abs, uid);
  if (problems.length === 0) return;
  const lines = problems.map((p) => `  ${p.path}: ${p.why}.\n    Fix: ${p.fix}.`);
  throw new ShoalError(
    'SHOAL_ERR_HOME',
    `SHOAL_HOME ${abs} is not safe to use: another user could replace what Shoal reads there ` +
      `(dump.json is run as you by \`shoal resurrect\`).\n${lines.join('\n')}\n` +
      'Shoal refuses such a home the way ssh refuses a ~/.ssh that others can write.',
    { file: abs, problems: problems.map((p) => ({ path: p.path, why: p.why })) },
  );
}
