// Turns part results into tables (stdout, Markdown), checks Shoal's targets, and rewrites this bench's
// three sections of bench/RESULTS.md ("Cluster mode", "CLI and daemon", "Logs"), leaving every other
// section (other benches own them) byte for byte as it was.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CliResult, cliTable } from './cli-speed.js';
import { type CrashResult, crashTable } from './crash.js';
import { type MemoryResult, memoryTable } from './daemon-memory.js';
import { extraCaNote, type MachineInfo } from './lib/machine.js';
import { ROOT } from './lib/processes.js';
import { fmtMs, fmtRatio, median } from './lib/stats.js';
import { type LogResult, logsTable } from './log-integrity.js';
import { logRotationTable, type RotationResult, rotationChecks } from './log-rotation.js';
import type { Part, Table } from './options.js';
import { type ReloadResult, reloadTable } from './reload.js';
import { MODES, type ThroughputResult, throughputTable } from './throughput.js';

export interface PartRecord {
  /** ISO time the part started. */
  at: string;
  durationMs: number;
  /** 1-minute load average when the part started and when it ended. */
  loadavg: number;
  loadavgEnd?: number;
  /**
   * Busy share of the whole machine over the part (0..1), this bench's own processes included: many of
   * them (CLI calls, daemons) live shorter than the part, so the part cannot subtract its own share.
   */
  machineBusy: number | null;
  result?: unknown;
  error?: string;
  /** Results file this part was taken from, when merged from an earlier run. */
  from?: string;
}

export interface BenchResults {
  schema: 1;
  startedAt: string;
  finishedAt: string;
  command: string;
  machine: MachineInfo;
  options: Record<string, unknown>;
  parts: Partial<Record<Part, PartRecord>>;
}

export const RESULTS_MD = join(ROOT, 'bench', 'RESULTS.md');
/** Hand-written reading of the figures, one file per section (no "## " headings inside). */
const notesFile = (section: string) =>
  join(ROOT, 'bench', 'cluster', 'notes', `${section.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.md`);

export function tableOf(part: Part, result: unknown): Table {
  switch (part) {
    case 'throughput':
      return throughputTable(result as ThroughputResult);
    case 'reload':
      return reloadTable(result as ReloadResult);
    case 'crash':
      return crashTable(result as CrashResult);
    case 'cli':
      return cliTable(result as CliResult);
    case 'memory':
      return memoryTable(result as MemoryResult);
    case 'logs':
      return logsTable(result as LogResult);
    case 'log-rotation':
      return logRotationTable(result as RotationResult);
  }
}

export function textTable(t: Table): string {
  const all = [t.header, ...t.rows];
  const widths = t.header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [
    `== ${t.title}`,
    line(t.header),
    line(widths.map((w) => '-'.repeat(w))),
    ...t.rows.map(line),
    ...t.notes.map((n) => `   ${n}`),
  ].join('\n');
}

function mdTable(t: Table, heading: string): string {
  const esc = (c: string) => c.replace(/\|/g, '\\|');
  return [
    `${heading} ${t.title}`,
    '',
    `| ${t.header.map(esc).join(' | ')} |`,
    `|${t.header.map(() => '---').join('|')}|`,
    ...t.rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
    '',
    ...t.notes.map((n) => `${n}\n`),
  ].join('\n');
}

/** Shoal's targets, each met or missed, with the figures. */
export function targetChecks(parts: BenchResults['parts']): string[] {
  const out: string[] = [];
  const rot = parts['log-rotation']?.result as RotationResult | undefined;
  if (rot) out.push(...rotationChecks(rot));
  const tp = parts.throughput?.result as ThroughputResult | undefined;
  if (tp) {
    for (const m of MODES) {
      const r = tp.ratios[m];
      if (r.shoalVsRaw !== null)
        out.push(
          `${r.shoalVsRaw >= 0.98 ? 'met' : 'MISSED'}: throughput within 2 % of raw cluster, ${m} ` +
            `(Shoal/raw ${fmtRatio(r.shoalVsRaw)}` +
            `${r.shoalVsRaw > 1.02 ? '; being faster than raw cluster is window-to-window noise, not a gain' : ''})`,
        );
      if (r.shoalVsPm2 !== null)
        out.push(
          `${r.shoalVsPm2 >= 1 ? 'met' : 'MISSED'}: throughput >= PM2, ${m} (Shoal/PM2 ${fmtRatio(r.shoalVsPm2)})`,
        );
      const c = tp.cpuRatios?.[m];
      if (c && c.shoalVsRaw !== null && c.shoalVsPm2 !== null)
        out.push(
          `evidence: server CPU per request, ${m}: Shoal/raw cluster ${fmtRatio(c.shoalVsRaw)}, ` +
            `Shoal/PM2 ${fmtRatio(c.shoalVsPm2)} (lower is cheaper)`,
        );
    }
  }
  const rl = parts.reload?.result as ReloadResult | undefined;
  if (rl) {
    for (const c of new Set(rl.runs.map((r) => r.case))) {
      const s = rl.runs.find((r) => r.case === c && r.manager === 'shoal');
      const p = rl.runs.find((r) => r.case === c && r.manager === 'pm2');
      if (!s || !p) continue;
      out.push(
        `${s.failed === 0 && s.badReloads.length === 0 ? 'met' : 'MISSED'}: zero failed requests on reload, ${c} ` +
          `(Shoal ${s.failed} of ${s.ok + s.failed}, PM2 ${p.failed} of ${p.ok + p.failed})`,
      );
    }
  }
  const cr = parts.crash?.result as CrashResult | undefined;
  if (cr?.runs.pm2 && cr.runs.shoal) {
    const med = (runs: { httpMs: number | null }[]) =>
      median(runs.map((r) => r.httpMs).filter((v): v is number => v !== null));
    for (const [label, key] of [
      ['list polled', 'polled'],
      ['no polling', 'httpOnly'],
    ] as const) {
      const s = med(cr.runs.shoal[key]);
      const p = med(cr.runs.pm2[key]);
      if (s === null || p === null) continue;
      out.push(
        `${s < p ? 'met' : 'MISSED'}: crash to serving faster than PM2, ${label} (Shoal ${fmtMs(s)}, PM2 ${fmtMs(p)})`,
      );
    }
  }
  return out;
}

const SECTIONS: Array<{ title: string; parts: Part[]; intro?: string }> = [
  { title: 'Cluster mode', parts: ['throughput', 'reload', 'crash'] },
  { title: 'CLI and daemon', parts: ['cli', 'memory'] },
  { title: 'Logs', parts: ['logs', 'log-rotation'] },
];

function provenance(r: BenchResults, parts: Part[]): string {
  const m = r.machine;
  const lines = [
    `Generated by \`${r.command}\` (bench/run.js); rewritten on every run, edit bench/cluster/ instead.`,
    `Machine: ${m.nproc} cores (\`nproc\`), ${m.cpuModel}, ${Math.round(m.memTotalMb / 1024)} GiB RAM, ` +
      `Linux ${m.kernel}, Node ${m.node}, PM2 ${m.pm2}, Shoal at ${m.shoalCommit}` +
      `${m.dirtyFiles > 0 ? ` (+${m.dirtyFiles} uncommitted files in the shared tree)` : ''}${extraCaNote(m)}.`,
  ];
  for (const p of parts) {
    const rec = r.parts[p];
    if (!rec) continue;
    const busy = (rec.machineBusy ?? null) === null ? 'n/a' : `${Math.round(rec.machineBusy! * 100)} %`;
    lines.push(
      `- ${p}: measured ${rec.at.replace('T', ' ').slice(0, 16)} UTC${rec.from ? ` (from ${rec.from})` : ''}, ` +
        `${Math.round(rec.durationMs / 1000)} s, load average ${rec.loadavg} at start and ${rec.loadavgEnd ?? 'n/a'} at the end, ` +
        `machine ${busy} busy (this bench included)` +
        `${rec.error ? `; FAILED: ${rec.error}` : ''}`,
    );
  }
  return lines.join('\n');
}

function sectionText(r: BenchResults, s: (typeof SECTIONS)[number]): string {
  const body: string[] = [`## ${s.title}`, '', provenance(r, s.parts), ''];
  for (const p of s.parts) {
    const rec = r.parts[p];
    if (rec?.result) body.push(mdTable(tableOf(p, rec.result), '###'));
  }
  if (s.title === 'Cluster mode') {
    const checks = targetChecks({ ...r.parts, 'log-rotation': undefined });
    if (checks.length > 0) body.push('### Targets', '', ...checks.map((c) => `- ${c}`), '');
  }
  const rot = r.parts['log-rotation']?.result as RotationResult | undefined;
  if (s.title === 'Logs' && rot)
    body.push('### Targets', '', ...rotationChecks(rot).map((c) => `- ${c}`), '');
  const notes = notesFile(s.title);
  if (existsSync(notes)) body.push(readFileSync(notes, 'utf8').trim(), '');
  return `${body.join('\n').trimEnd()}\n`;
}

/** Replaces (or appends) each of this bench's sections; other sections are kept as they are. */
export function writeResultsMd(r: BenchResults): void {
  // Read right before writing: other engineers update their own sections of the same file.
  let text = existsSync(RESULTS_MD)
    ? readFileSync(RESULTS_MD, 'utf8')
    : '# Benchmark results\n\nEach section is written by its own bench; see bench/ for how to run them.\n';
  for (const s of SECTIONS) {
    if (!s.parts.some((p) => r.parts[p])) continue;
    const lines = text.split('\n');
    const start = lines.findIndex((l) => l.trim().toLowerCase() === `## ${s.title.toLowerCase()}`);
    const section = sectionText(r, s).trimEnd().split('\n');
    if (start === -1) {
      text = `${text.trimEnd()}\n\n${section.join('\n')}\n`;
      continue;
    }
    let end = lines.findIndex((l, i) => i > start && /^## /.test(l));
    if (end === -1) end = lines.length;
    const after = lines.slice(end);
    text = [...lines.slice(0, start), ...section, ...(after.length > 0 ? ['', ...after] : [''])].join('\n');
  }
  const tmp = `${RESULTS_MD}.${process.pid}.tmp`;
  writeFileSync(tmp, text.endsWith('\n') ? text : `${text}\n`);
  renameSync(tmp, RESULTS_MD);
}
