// Names and retention of rotated log files: app-out.log becomes app-out__2026-01-31_23-59-59.log (PM2's
// pm2-logrotate naming, so existing clean-up scripts keep matching), then .log.gz once compressed.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { LogRotation } from '../protocol/log-rotation.js';
import { gzipFile } from './log-compressor.js';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function stamp(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}_${pad(d.getHours())}-${pad(d.getMinutes())}-${pad(d.getSeconds())}`;
}

function parts(path: string): { dir: string; stem: string; ext: string } {
  const ext = extname(path);
  return { dir: dirname(path), stem: basename(path, ext), ext };
}

/** A free name for the next rotated copy of path; several rotations in one second get _1, _2, ... */
export function rotatedPath(path: string, at: Date): string {
  const { dir, stem, ext } = parts(path);
  const base = join(dir, `${stem}__${stamp(at)}`);
  for (let n = 0; ; n++) {
    const candidate = `${base}${n === 0 ? '' : `_${n}`}${ext}`;
    if (!existsSync(candidate) && !existsSync(`${candidate}.gz`)) return candidate;
  }
}

export interface RotatedFile {
  path: string;
  /** Sort key: oldest first. */
  key: [string, number];
}

/** The rotated copies of path (plain or gzipped), oldest first. */
export function rotatedFiles(path: string): RotatedFile[] {
  const { dir, stem, ext } = parts(path);
  const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(
    `^${escaped(stem)}__(\\d{4}-\\d\\d-\\d\\d_\\d\\d-\\d\\d-\\d\\d)(?:_(\\d+))?${escaped(ext)}(\\.gz)?$`,
  );
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const found = new Map<string, RotatedFile>();
  for (const name of names) {
    const m = pattern.exec(name);
    if (!m) continue;
    // A copy being compressed exists twice for a moment (.log and .log.gz): it counts once.
    const id = `${m[1]}_${m[2] ?? '0'}`;
    if (found.has(id) && m[3] === undefined) continue;
    found.set(id, { path: join(dir, name), key: [m[1]!, Number(m[2] ?? 0)] });
  }
  return [...found.values()].sort((a, b) =>
    a.key[0] === b.key[0] ? a.key[1] - b.key[1] : a.key[0] < b.key[0] ? -1 : 1,
  );
}

/** Removes the oldest rotated copies beyond `retain` (0 keeps them all); returns the removed paths. */
export function pruneRotated(path: string, retain: number): string[] {
  if (retain <= 0) return [];
  const files = rotatedFiles(path);
  const removed: string[] = [];
  for (const f of files.slice(0, Math.max(0, files.length - retain))) {
    rmSync(f.path, { force: true });
    if (f.path.endsWith('.gz')) rmSync(f.path.slice(0, -3), { force: true });
    removed.push(f.path);
  }
  return removed;
}

/** After a rotation: gzip the copy (worker thread) when asked, then drop the copies beyond retain. */
export async function afterRotation(
  path: string,
  rotated: string,
  rotation: LogRotation,
  onError: (message: string) => void,
): Promise<void> {
  try {
    if (rotation.compress) {
      const res = await gzipFile(rotated);
      if (!res.ok) onError(res.message ?? 'gzip failed');
    }
    pruneRotated(path, rotation.retain);
  } catch (err) {
    onError((err as Error).message);
  }
}
