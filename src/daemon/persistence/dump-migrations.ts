// Upgrades a parsed dump.json of any known version to the current one, one named step per version,
// so that a dump written by an older Shoal still resurrects. To add version N+1: write `vNtoN1`,
// append it to STEPS, bump CURRENT_DUMP_VERSION (dump-version.ts) and the schema in dump-schema.ts.
import { isPlainObject as isObject } from '../../config/is-object.js';
import { CURRENT_DUMP_VERSION } from './dump-version.js';

export class DumpVersionError extends Error {}

interface MigrationStep {
  readonly from: number;
  readonly name: string;
  up(doc: unknown): unknown;
}

/**
 * v0 is the unversioned shape: a bare JSON array of `{ config, cli_env }`, without instance counts or
 * status. No release wrote it; it is accepted so that a hand-written list can be resurrected, and it
 * keeps the chain exercised by a test until a real v2 exists.
 */
const v0to1: MigrationStep = {
  from: 0,
  name: 'v0to1: wrap the bare array, count instances from the config, mark every app running',
  up(doc) {
    const apps = (doc as unknown[]).map((entry) => {
      const e = isObject(entry) ? entry : {};
      const config = isObject(e.config) ? e.config : {};
      const instances = typeof config.instances === 'number' ? config.instances : 1;
      return { config, cli_env: e.cli_env ?? {}, instances, status: 'running' };
    });
    return { version: 1, saved_at: new Date(0).toISOString(), shoal_version: 'unknown', apps };
  },
};

const STEPS: readonly MigrationStep[] = [v0to1];

/** The version a parsed document claims: 0 for the bare array, else its `version` field. */
export function dumpVersionOf(doc: unknown): number {
  if (Array.isArray(doc)) return 0;
  if (isObject(doc) && typeof doc.version === 'number' && Number.isInteger(doc.version)) return doc.version;
  throw new DumpVersionError('it has no "version" field and is not a list');
}

/** Runs every step from the document's version up to the current one; returns the steps applied. */
export function migrateDump(doc: unknown): { doc: unknown; applied: string[] } {
  let version = dumpVersionOf(doc);
  if (version > CURRENT_DUMP_VERSION) {
    throw new DumpVersionError(
      `it was written by a newer Shoal (dump version ${version}; this Shoal reads up to ${CURRENT_DUMP_VERSION})`,
    );
  }
  const applied: string[] = [];
  let current = doc;
  while (version < CURRENT_DUMP_VERSION) {
    const step = STEPS.find((s) => s.from === version);
    if (!step) throw new DumpVersionError(`no migration from dump version ${version}`);
    current = step.up(current);
    applied.push(step.name);
    version = dumpVersionOf(current);
  }
  return { doc: current, applied };
}
