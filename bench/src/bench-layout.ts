/**
 * Benchmark 6, layout shift caused by the widget on a customer's page: an article with text
 * above and below the line that holds one `<sip-call-button>` (script tag in `<head>`, as
 * README says customers embed it), against the same article without the widget.
 *
 * Per run: a fresh page, loaded; the button rendered; a hover on it (the visitor's intent,
 * which loads the rest of the widget and connects); then wait until the connection is proven
 * and the network is idle, so that every on-intent chunk has been rendered. The layout
 * shifts are the probe's `layout-shift` entries (buffered from navigation, `hadRecentInput`
 * ones left out as CLS does), up to the frame after all that. A run's score is the sum of
 * its shifts: at least the page's CLS (the largest session window), so a budget of 0 reads
 * the same either way.
 */
import type { Browser, Page } from 'playwright-core';
import { WIDGET_BUTTON } from './bench-call';
import { layoutShifts, openProbedPage, waitForMark } from './browser';
import { RUNS, WARMUP_RUNS } from './config';
import { pages, publish } from './pages';
import type { LayoutShiftTotals } from './probe';
import { type Summary, summarize } from './stats';

interface LayoutScenario {
  name: string;
  url: () => string;
  /** After load: what the visitor does, and what to wait for before the shifts are read. */
  interact: (page: Page) => Promise<void>;
}

export const LAYOUT_SCENARIOS = {
  plain: {
    name: 'article without the widget',
    url: () => publish(pages.plainArticle(), 'article-plain'),
    interact: async (page) => {
      await page.hover('#contact');
    },
  },
  widget: {
    name: 'article with `<sip-call-button>` (script tag), rendered, then hovered',
    url: () => publish(pages.article(), 'article'),
    interact: async (page) => {
      // `hover` waits until the element has rendered its button.
      await page.hover(WIDGET_BUTTON);
      await waitForMark(page, 'proofOk');
    },
  },
} satisfies Record<string, LayoutScenario>;

export interface LayoutResult {
  name: string;
  /** Per run, the sum of its layout shifts (no recent input). */
  shift: Summary;
  /** Runs that saw any shift at all. */
  runsWithShifts: number;
  /** What moved: each shifted node (as the probe names it) and in how many runs. */
  sources: Record<string, number>;
}

export type LayoutResults = Record<LayoutKey, LayoutResult>;

async function shiftsOnce(browser: Browser, scenario: LayoutScenario): Promise<LayoutShiftTotals> {
  const probed = await openProbedPage(browser);
  try {
    const { page } = probed;
    await page.goto(scenario.url(), { waitUntil: 'load' });
    await scenario.interact(page);
    await page.waitForLoadState('networkidle');
    return await layoutShifts(page);
  } finally {
    await probed.close();
  }
}

function summarizeRuns(name: string, runs: LayoutShiftTotals[]): LayoutResult {
  const sources: Record<string, number> = {};
  for (const shifts of runs) {
    for (const source of shifts.sources) sources[source] = (sources[source] ?? 0) + 1;
  }
  return {
    name,
    shift: summarize(runs.map((shifts) => shifts.value)),
    runsWithShifts: runs.filter((shifts) => shifts.count > 0).length,
    sources,
  };
}

type LayoutKey = keyof typeof LAYOUT_SCENARIOS;

export async function benchLayout(browser: Browser): Promise<LayoutResults> {
  const keys = Object.keys(LAYOUT_SCENARIOS) as LayoutKey[];
  const runs = new Map<LayoutKey, LayoutShiftTotals[]>(keys.map((key) => [key, []]));
  // The pages alternate run by run, as in the call benchmark.
  for (let i = 0; i < WARMUP_RUNS + RUNS; i++) {
    for (const key of keys) {
      const shifts = await shiftsOnce(browser, LAYOUT_SCENARIOS[key]);
      if (i >= WARMUP_RUNS) runs.get(key)!.push(shifts);
    }
  }
  const results: Partial<LayoutResults> = {};
  for (const key of keys) results[key] = summarizeRuns(LAYOUT_SCENARIOS[key].name, runs.get(key)!);
  return results as LayoutResults;
}
