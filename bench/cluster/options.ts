// Command-line flags of `npm run bench` (after `--`), with their defaults, validated up front.
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Generator } from './lib/load-child.js';
import { MODES, type Mode, TARGETS, type TargetName } from './throughput.js';
import { ROOT } from './lib/processes.js';

export const PARTS = ['throughput', 'reload', 'crash', 'cli', 'memory', 'logs', 'log-rotation'] as const;
export type Part = (typeof PARTS)[number];

export interface BenchOptions {
  workers: number;
  runs: number;
  warmupMs: number;
  windowMs: number;
  clients: number;
  loadProcs: number;
  generator: Generator;
  /** Throughput configurations and load modes to measure (all by default; fewer for a focused A/B). */
  targets: TargetName[];
  modes: Mode[];
  /** A throughput window in which other processes used more than this share of the machine is retried. */
  maxNoise: number;
  noiseRetries: number;
  reloads: number;
  crashRuns: number;
  cliRuns: number;
  coldRuns: number;
  forkApps: number;
  logLines: number;
  /** Lines written by the app in the log-rotation part. */
  rotationLines: number;
  only: Part[];
  shoalBin: string;
  /** Measure a private copy of the built CLI (default when --shoal-bin is not given). */
  snapshot: boolean;
  merge: string | null;
  /** Measure nothing: print the tables of this results file and rewrite RESULTS.md from it. */
  reportFrom: string | null;
  writeMd: boolean;
}

export const USAGE = `Usage: npm run bench -- [flags]   (or: node bench/run.js [flags] after npm run build)
  --workers N        cluster workers for every cluster figure (default: this machine's cores)
  --runs N           throughput runs per configuration and mode (default 5)
  --window-ms N      throughput measuring window (default 5000), after --warmup-ms (default 1000)
  --clients N        concurrent clients of the load generator (default 8)
  --load-procs N     generator processes sharing those clients (default 1)
  --generator K      throughput generator: raw (bare sockets, default) or helper (test/helpers/load.ts)
  --targets a,b      throughput configurations: ${TARGETS.join(', ')} (default: all)
  --modes a,b        throughput load: keep-alive, new-connection (default: both)
  --max-noise P      retry a throughput window in which other processes used more than P % of the
                     machine (default 15), at most --noise-retries N times (default 3); the quietest is kept
  --reloads N        reloads per reload case (default 3)
  --crash-runs N     kill -9 runs per manager (default 5)
  --cli-runs N       runs per CLI timing (default 7); --cold-runs N cold starts (default 5)
  --fork-apps N      fork apps for the CLI and memory figures (default 50)
  --log-lines N      lines per worker in the log test (default 100000)
  --rotation-lines N lines written under 2 MB rotation in the log-rotation part (default 1000000)
  --only a,b         parts to run: ${PARTS.join(', ')} (default: all)
  --shoal-bin PATH   the shoal executable to measure (default: a private copy of this tree's bin/ and dist/,
                     taken at start, so a concurrent \`npm run build\` cannot change it mid-run)
  --no-snapshot      measure bin/shoal.js of this tree in place
  --merge FILE       take the parts this run skips from an earlier results JSON when writing RESULTS.md
  --report-from FILE measure nothing: print FILE's tables and rewrite RESULTS.md from it
  --no-md            do not rewrite bench/RESULTS.md`;

function int(name: string, value: string | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new Error(`--${name} expects an integer >= ${min}, got "${value}"`);
  return n;
}

function list<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T[] {
  if (value === undefined) return [...allowed];
  const items = value.split(',').map((s) => s.trim());
  const bad = items.filter((i) => !(allowed as readonly string[]).includes(i));
  if (bad.length > 0 || items.length === 0) {
    throw new Error(`--${name}: unknown ${bad.join(', ')}; choose from ${allowed.join(', ')}`);
  }
  return items as T[];
}

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      workers: { type: 'string' },
      runs: { type: 'string' },
      'warmup-ms': { type: 'string' },
      'window-ms': { type: 'string' },
      clients: { type: 'string' },
      'load-procs': { type: 'string' },
      generator: { type: 'string' },
      targets: { type: 'string' },
      modes: { type: 'string' },
      'max-noise': { type: 'string' },
      'noise-retries': { type: 'string' },
      reloads: { type: 'string' },
      'crash-runs': { type: 'string' },
      'cli-runs': { type: 'string' },
      'cold-runs': { type: 'string' },
      'fork-apps': { type: 'string' },
      'log-lines': { type: 'string' },
      'rotation-lines': { type: 'string' },
      only: { type: 'string' },
      'shoal-bin': { type: 'string' },
      'no-snapshot': { type: 'boolean' },
      merge: { type: 'string' },
      'report-from': { type: 'string' },
      'no-md': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const generator = values.generator ?? 'raw';
  if (generator !== 'raw' && generator !== 'helper') {
    throw new Error(`--generator expects raw or helper, got "${generator}"`);
  }
  const targets = list('targets', values.targets, TARGETS);
  const modes = list('modes', values.modes?.replace(/new-connection/g, 'new connection'), MODES);
  const only = (values.only?.split(',').map((s) => s.trim()) ?? [...PARTS]) as Part[];
  const unknown = only.filter((p) => !(PARTS as readonly string[]).includes(p));
  if (unknown.length > 0)
    throw new Error(`--only: unknown part(s) ${unknown.join(', ')}; parts: ${PARTS.join(', ')}`);
  return {
    workers: int('workers', values.workers, os.availableParallelism()),
    runs: int('runs', values.runs, 5),
    warmupMs: int('warmup-ms', values['warmup-ms'], 1000, 0),
    windowMs: int('window-ms', values['window-ms'], 5000, 500),
    clients: int('clients', values.clients, 8),
    loadProcs: int('load-procs', values['load-procs'], 1),
    generator,
    targets,
    modes,
    maxNoise: int('max-noise', values['max-noise'], 15, 0) / 100,
    noiseRetries: int('noise-retries', values['noise-retries'], 3, 0),
    reloads: int('reloads', values.reloads, 3),
    crashRuns: int('crash-runs', values['crash-runs'], 5),
    cliRuns: int('cli-runs', values['cli-runs'], 7),
    coldRuns: int('cold-runs', values['cold-runs'], 5),
    forkApps: int('fork-apps', values['fork-apps'], 50),
    logLines: int('log-lines', values['log-lines'], 100_000),
    rotationLines: int('rotation-lines', values['rotation-lines'], 1_000_000),
    only,
    shoalBin: values['shoal-bin'] ?? join(ROOT, 'bin', 'shoal.js'),
    snapshot: values['shoal-bin'] === undefined && !values['no-snapshot'],
    merge: values.merge ?? null,
    reportFrom: values['report-from'] ?? null,
    writeMd: !values['no-md'],
  };
}

export interface PartContext {
  opts: BenchOptions;
  log: (line: string) => void;
}

/** A result table, printed to stdout and written to RESULTS.md. */
export interface Table {
  title: string;
  header: string[];
  rows: string[][];
  notes: string[];
}
