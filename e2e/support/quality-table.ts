/**
 * The injected-vs-reported table of a quality run: one row per measured value, written to
 * `e2e/artifacts/quality-table.md` and printed, so a run's evidence can be read without
 * digging through traces.
 */
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ARTIFACTS_DIR } from './paths';

export const QUALITY_TABLE_FILE = path.join(ARTIFACTS_DIR, 'quality-table.md');

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function mean(values: number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

export interface TableRow {
  /** What the step injected, e.g. "loss 3 % to caller". */
  step: string;
  metric: string;
  /** The nominal value injected. */
  injected: string;
  /** What the media server counted it actually did (realized), if it applies. */
  server: string;
  /** What the widget reported. */
  reported: string;
  /** The rule the reported value is held to. */
  rule: string;
  ok: boolean;
}

export class QualityTable {
  readonly rows: TableRow[] = [];

  add(row: TableRow): TableRow {
    this.rows.push(row);
    return row;
  }

  markdown(title: string, notes: string[]): string {
    const header = [
      'step',
      'metric',
      'injected',
      'server (realized)',
      'widget reported',
      'rule',
      '',
    ];
    const cells = (r: TableRow) => [
      r.step,
      r.metric,
      r.injected,
      r.server,
      r.reported,
      r.rule,
      r.ok ? 'ok' : '**FAIL**',
    ];
    return [
      `## ${title}`,
      '',
      `| ${header.join(' | ')} |`,
      `|${header.map(() => '---').join('|')}|`,
      ...this.rows.map((r) => `| ${cells(r).join(' | ')} |`),
      '',
      ...notes.map((note) => `- ${note}`),
      '',
    ].join('\n');
  }

  /**
   * Appends this table as a section of the run's file (the global setup removes the file
   * at the start of a run; each call of the proof adds its section) and returns the text.
   */
  append(title: string, notes: string[]): string {
    const text = this.markdown(title, notes);
    mkdirSync(path.dirname(QUALITY_TABLE_FILE), { recursive: true });
    if (!existsSync(QUALITY_TABLE_FILE)) {
      writeFileSync(QUALITY_TABLE_FILE, '# Call quality: injected vs reported\n\n');
    }
    appendFileSync(QUALITY_TABLE_FILE, `${text}\n`);
    return text;
  }
}

/** `0.0312` → `3.12 %`. */
export const percent = (fraction: number | null | undefined, digits = 2): string =>
  fraction === null || fraction === undefined || Number.isNaN(fraction)
    ? 'n/a'
    : `${(fraction * 100).toFixed(digits)} %`;

/** `12.345` → `12.3 ms`. */
export const millis = (value: number | null | undefined, digits = 1): string =>
  value === null || value === undefined || Number.isNaN(value)
    ? 'n/a'
    : `${value.toFixed(digits)} ms`;
