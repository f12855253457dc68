// The few statistics the bench reports: medians of repeated runs, their spread, and ratios.

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface Summary {
  median: number | null;
  min: number | null;
  max: number | null;
  runs: number[];
}

export function summarize(values: readonly number[]): Summary {
  return {
    median: median(values),
    min: values.length > 0 ? Math.min(...values) : null,
    max: values.length > 0 ? Math.max(...values) : null,
    runs: [...values],
  };
}

export function ratio(a: number | null, b: number | null): number | null {
  return a === null || b === null || b === 0 ? null : a / b;
}

export function round(n: number | null, digits = 0): number | null {
  if (n === null) return null;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export const fmtMs = (n: number | null) => (n === null ? 'n/a' : `${Math.round(n)} ms`);
export const fmtMb = (kb: number | null) => (kb === null ? 'n/a' : `${(kb / 1024).toFixed(1)} MB`);
export const fmtRatio = (r: number | null) => (r === null ? 'n/a' : `${r.toFixed(3)}`);
export const fmtPct = (r: number | null) =>
  r === null ? 'n/a' : `${r >= 1 ? '+' : ''}${((r - 1) * 100).toFixed(1)} %`;
export const fmtInt = (n: number | null) => (n === null ? 'n/a' : Math.round(n).toLocaleString('en-US'));
