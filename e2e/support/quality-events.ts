/**
 * The widget's quality events, recorded whole in the page from load on: every
 * `sip-quality` sample, `sip-quality-warning` change and `sip-call-report` (they bubble and
 * are composed, so a window listener sees them from any element). The generic event
 * recorder keeps only one level of nesting; these need the full sample and report.
 */
import { type BrowserContext, expect, type Page } from '@playwright/test';
import type {
  CallReport,
  QualitySample,
  QualityWarningChange,
} from '../../src/engine/quality/types';

export interface RecordedWarning extends QualityWarningChange {
  /** `Date.now()` in the page when the event was dispatched. */
  at: number;
}

interface QualityLog {
  samples: QualitySample[];
  warnings: RecordedWarning[];
  reports: CallReport[];
}

declare global {
  interface Window {
    __quality?: QualityLog;
  }
}

/** Install on the context before the widget's page opens (`OpenOptions.prepare`). */
export async function recordQualityEvents(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const log: QualityLog = { samples: [], warnings: [], reports: [] };
    window.__quality = log;
    // Details carry the live `call` handle (not JSON-safe): keep only the data.
    const data = <T>(value: unknown): T => JSON.parse(JSON.stringify(value)) as T;
    const detailOf = (e: Event) => (e as CustomEvent).detail as Record<string, unknown>;
    window.addEventListener('sip-quality', (e) => {
      log.samples.push(data<QualitySample>(detailOf(e).sample));
    });
    window.addEventListener('sip-quality-warning', (e) => {
      const { warning, raised, value } = detailOf(e) as unknown as QualityWarningChange;
      log.warnings.push({ warning, raised, value, at: Date.now() });
    });
    window.addEventListener('sip-call-report', (e) => {
      log.reports.push(data<CallReport>(detailOf(e).report));
    });
  });
}

function read(page: Page): Promise<QualityLog> {
  return page.evaluate(() => window.__quality ?? { samples: [], warnings: [], reports: [] });
}

export async function qualitySamples(page: Page, sinceMs = 0): Promise<QualitySample[]> {
  return (await read(page)).samples.filter((s) => s.at >= sinceMs);
}

export async function qualityWarnings(page: Page): Promise<RecordedWarning[]> {
  return (await read(page)).warnings;
}

export async function callReports(page: Page): Promise<CallReport[]> {
  return (await read(page)).reports;
}

/** Waits for `count` samples taken at or after `sinceMs` (page clock) and returns them. */
export async function nextSamples(
  page: Page,
  count: number,
  sinceMs: number,
): Promise<QualitySample[]> {
  await expect
    .poll(async () => (await qualitySamples(page, sinceMs)).length, {
      message: `${count} quality samples since ${sinceMs}`,
      // One sample a second, with slack for a loaded machine.
      timeout: count * 1000 + 10_000,
      intervals: [200],
    })
    .toBeGreaterThanOrEqual(count);
  return (await qualitySamples(page, sinceMs)).slice(0, count);
}

/** Waits until the widget raised (`raised: true`) or cleared `warning` after `sinceMs`. */
export async function expectWarning(
  page: Page,
  warning: string,
  raised: boolean,
  sinceMs: number,
  timeout: number,
): Promise<RecordedWarning> {
  const match = (w: RecordedWarning) => w.warning === warning && w.raised === raised;
  await expect
    .poll(async () => (await qualityWarnings(page)).some((w) => w.at >= sinceMs && match(w)), {
      message: `${warning} ${raised ? 'raised' : 'cleared'} after ${sinceMs}`,
      timeout,
      intervals: [200],
    })
    .toBe(true);
  return (await qualityWarnings(page)).find((w) => w.at >= sinceMs && match(w))!;
}
