// Reading and writing dump.json: atomic replacement, the previous good dump kept as dump.json.bak,
// and on read the .bak as a fallback when the main file is damaged or unreadable.
import { readFile } from 'node:fs/promises';
import { ShoalError } from '../../errors.js';
import { backupFileAtomic, removeStaleTemps, writeFileAtomic } from './atomic-write.js';
import { migrateDump } from './dump-migrations.js';
import { type DumpDocument, DumpV1Schema } from './dump-schema.js';

export interface DumpPaths {
  dumpFile: string;
}

export const backupPathOf = (dumpFile: string) => `${dumpFile}.bak`;

/** Parses and upgrades a dump's text; throws an Error whose message says what is wrong. */
export function parseDump(text: string): { doc: DumpDocument; migrations: string[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`it is not valid JSON (${(err as Error).message})`);
  }
  const { doc, applied } = migrateDump(raw);
  const parsed = DumpV1Schema.safeParse(doc);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(
      `it does not match the dump format (${first?.path.join('.') || '(root)'}: ${first?.message})`,
    );
  }
  return { doc: parsed.data, migrations: applied };
}

async function readValid(path: string): Promise<{ doc: DumpDocument; migrations: string[] }> {
  return parseDump(await readFile(path, 'utf8'));
}

// One save at a time: two `shoal save` running together must not interleave their backup and rename.
let queue: Promise<unknown> = Promise.resolve();

/**
 * Replaces dump.json with doc. The current dump becomes dump.json.bak only when it is itself valid,
 * so that one bad write never costs the last good copy.
 */
export function writeDump(paths: DumpPaths, doc: DumpDocument): Promise<void> {
  const run = async () => {
    await removeStaleTemps(paths.dumpFile);
    await removeStaleTemps(backupPathOf(paths.dumpFile));
    const currentIsValid = await readValid(paths.dumpFile).then(
      () => true,
      () => false,
    );
    if (currentIsValid) await backupFileAtomic(paths.dumpFile, backupPathOf(paths.dumpFile));
    await writeFileAtomic(paths.dumpFile, `${JSON.stringify(doc, null, 2)}\n`, 0o600);
  };
  const next = queue.then(run, run);
  queue = next.catch(() => {});
  return next;
}

export interface LoadedDump {
  doc: DumpDocument;
  file: string;
  /** What the user should know: fallback to .bak, migrations applied. */
  notes: string[];
}

/** Reads dump.json, or dump.json.bak when dump.json exists but cannot be used (saying so in notes). */
export async function readDump(paths: DumpPaths): Promise<LoadedDump> {
  const main = paths.dumpFile;
  const bak = backupPathOf(main);
  let mainProblem: string;
  try {
    const { doc, migrations } = await readValid(main);
    return { doc, file: main, notes: migrationNotes(main, migrations) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ShoalError(
        'SHOAL_ERR_DUMP_NOT_FOUND',
        `Nothing to resurrect: ${main} does not exist. Run "shoal save" while your apps run to create it.`,
        { file: main },
      );
    }
    mainProblem = (err as Error).message;
  }
  try {
    const { doc, migrations } = await readValid(bak);
    return {
      doc,
      file: bak,
      notes: [
        `${main} cannot be used: ${mainProblem}. Using the previous save, ${bak} (saved at ${doc.saved_at}).`,
        ...migrationNotes(bak, migrations),
      ],
    };
  } catch (err) {
    const bakProblem =
      (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (err as Error).message;
    throw new ShoalError(
      'SHOAL_ERR_DUMP_INVALID',
      `Cannot resurrect: ${main} cannot be used (${mainProblem}) and neither can ${bak} (${bakProblem}).`,
      { file: main },
    );
  }
}

function migrationNotes(file: string, migrations: string[]): string[] {
  return migrations.length === 0
    ? []
    : [`${file} was written in an older format and was upgraded on read (${migrations.join('; ')}).`];
}
