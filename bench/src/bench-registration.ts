/**
 * Benchmark 2, time to registered: navigation start → the page's "registered" event, for
 * the agent phone (`<sip-phone>`) and the minimal peer pages, interleaved run by run so
 * load drifts hit every page alike. Same agent and credentials service for every page.
 */
import type { Browser } from 'playwright-core';
import { openProbedPage, readTimeline, type Timeline, waitForMark } from './browser';
import { agentCredentialsUrl, RUNS, signInAgent, WARMUP_RUNS } from './config';
import { pages, publish } from './pages';
import { type Summary, summarize, summarizeFields } from './stats';

export interface RegistrationResult {
  name: string;
  /** Navigation start → registered. */
  fromNavigation: Summary;
  /** Load event → registered. */
  fromLoad: Summary;
  /** Navigation start → each phase (downloads, WebSocket, REGISTER, 200 OK…). */
  phases: Record<string, Summary>;
}

interface Contender {
  name: string;
  html: (credentialsUrl: string) => string;
}

const CONTENDERS = {
  widget: { name: 'widget `<sip-phone>`', html: (url: string) => pages.phone(url) },
  jssip: {
    name: 'minimal JsSIP page',
    html: (url: string) => pages.peer('minimal-jssip', url, true),
  },
  sipjs: {
    name: 'minimal SIP.js SimpleUser page',
    html: (url: string) => pages.peer('minimal-sipjs', url, true),
  },
} satisfies Record<string, Contender>;

export type RegistrationResults = Record<keyof typeof CONTENDERS, RegistrationResult>;

interface Sample {
  timeline: Timeline;
  fromLoad: number;
}

async function registerOnce(browser: Browser, contender: Contender): Promise<Sample> {
  const probed = await openProbedPage(browser);
  try {
    const { page } = probed;
    await signInAgent(probed.context);
    await page.goto(publish(contender.html(agentCredentialsUrl()), 'register'));
    const registered = await waitForMark(page, 'registered');
    const loadAt = await page.evaluate(
      () =>
        (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming)
          .loadEventStart,
    );
    return { timeline: await readTimeline(page), fromLoad: registered - loadAt };
  } finally {
    await probed.close();
  }
}

export async function benchRegistration(browser: Browser): Promise<RegistrationResults> {
  const samples = new Map<string, Sample[]>(Object.keys(CONTENDERS).map((k) => [k, []]));
  for (let i = 0; i < WARMUP_RUNS + RUNS; i++) {
    for (const [key, contender] of Object.entries(CONTENDERS)) {
      const sample = await registerOnce(browser, contender);
      if (i >= WARMUP_RUNS) samples.get(key)!.push(sample);
    }
  }
  const results: Partial<RegistrationResults> = {};
  for (const [key, contender] of Object.entries(CONTENDERS)) {
    const list = samples.get(key)!;
    results[key as keyof RegistrationResults] = {
      name: contender.name,
      fromNavigation: summarize(list.map((s) => s.timeline.registered!)),
      fromLoad: summarize(list.map((s) => s.fromLoad)),
      phases: summarizeFields(list.map((s) => s.timeline)),
    };
  }
  return results as RegistrationResults;
}
