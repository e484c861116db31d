/** Small statistics and formatting helpers for the reports. */

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);

/** Median with the spread that matters for a reader: `p10–p90` and the run count. */
export interface Summary {
  median: number;
  p10: number;
  p90: number;
  runs: number;
}

export function summarize(values: readonly number[]): Summary {
  return {
    median: median(values),
    p10: quantile(values, 0.1),
    p90: quantile(values, 0.9),
    runs: values.length,
  };
}

export const ms = (value: number): string =>
  Number.isFinite(value) ? `${value.toFixed(0)} ms` : '–';

export const kb = (bytes: number): string =>
  Number.isFinite(bytes) ? `${(bytes / 1024).toFixed(1)} KB` : '–';

export const ratio = (value: number): string =>
  Number.isFinite(value) ? `${value.toFixed(2)}×` : '–';

/** `median (p10–p90)` in ms. */
export const spreadMs = (s: Summary): string =>
  Number.isFinite(s.median) ? `${ms(s.median)} (${s.p10.toFixed(0)}–${s.p90.toFixed(0)})` : '–';

/** Per-field summaries of runs that each measured some named values (missing ones skipped). */
export function summarizeFields(
  runs: readonly Partial<Record<string, number>>[],
): Record<string, Summary> {
  const names = [...new Set(runs.flatMap((run) => Object.keys(run)))];
  return Object.fromEntries(
    names.map((name) => [
      name,
      summarize(runs.map((run) => run[name]).filter((v): v is number => v !== undefined)),
    ]),
  );
}
