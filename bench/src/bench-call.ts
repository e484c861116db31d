/**
 * Benchmarks 3 and 4: call setup and DTMF latency, calling the `echo` service.
 *
 * Call setup, from the click (its `event.timeStamp`), page-side: INVITE sent and its 200 OK
 * (the probe on the WebSocket), first inbound RTP packet and first non-silent inbound audio
 * (the probe's getStats polling every 20 ms). The widget's button is measured twice: clicked
 * straight away (the engine loads on that click), and after a hover that let it load,
 * connect and prove its credentials on the connection (the OPTIONS → 200 of
 * src/engine/connection-proof.ts); the minimal JsSIP page connects on load, like its
 * README example.
 *
 * The same clicks give the interaction's next paint: the longest Event Timing entry of the
 * click's interaction (the probe's `event` observer, `durationThreshold` 16 ms).
 *
 * DTMF: a keypad press (its click) → the digit's entry in the media server's timeline (`t`,
 * epoch ms on the same machine clock), one call per page, one digit at a time.
 */
import type { Browser, Page } from 'playwright-core';
import {
  lastClick,
  longestInteraction,
  openProbedPage,
  type ProbedPage,
  pageTimeToEpoch,
  readTimeline,
  type Timeline,
  waitForMark,
} from './browser';
import { RUNS, VISITOR_CREDENTIALS_URL, WARMUP_RUNS } from './config';
import { waitForDigits } from './media-server';
import { pages, publish } from './pages';
import { EVENT_DURATION_THRESHOLD_MS } from './probe';
import { type Summary, summarize, summarizeFields } from './stats';

/** How a benchmark drives one kind of page. */
export interface CallPage {
  name: string;
  url: () => string;
  /** What happens between load and the click. */
  beforeClick: (page: Page) => Promise<void>;
  clickCall: (page: Page) => Promise<void>;
  /** Click the keypad key for `key` (opening the keypad first if needed). */
  pressKey: (page: Page, key: string) => Promise<void>;
  hangup: (page: Page) => Promise<void>;
}

const KEYS = '123456789*0#';
const DIGIT_SEQUENCE = '1234567890';

/** The click-to-call button's own button, inside its shadow root. */
export const WIDGET_BUTTON = 'sip-call-button button.main';

const widgetButton = (page: Page) => page.locator(WIDGET_BUTTON);

/** Hangs up the call of the page's `<sip-call-button>`, if it has one. */
export const hangUpWidgetCall = (page: Page): Promise<void> =>
  page.evaluate(() => document.querySelector('sip-call-button')?.call?.hangup());

const waitReady = async (page: Page): Promise<void> => {
  await waitForMark(page, 'registered');
};

/**
 * A visitor's button is ready to call once its connection proved the credentials: the
 * engine says `connected` before that (phone.ts sends the proof as it connects and does not
 * wait for it), and a click in between would still pay the INVITE's 407.
 */
const waitProven = async (page: Page): Promise<void> => {
  await waitForMark(page, 'proofOk');
};

async function pressWidgetKey(page: Page, key: string): Promise<void> {
  const keypad = page.locator('sip-call-button sip-dialpad');
  if (!(await keypad.isVisible())) {
    await page.locator('sip-call-button [part~="keypad-toggle"]').click();
    await keypad.waitFor();
  }
  await keypad.locator('button.key').nth(KEYS.indexOf(key)).click();
}

const widgetPage = (name: string, beforeClick: CallPage['beforeClick']): CallPage => ({
  name,
  url: () => publish(pages.button(), 'button'),
  beforeClick,
  clickCall: (page) => widgetButton(page).click(),
  pressKey: pressWidgetKey,
  hangup: hangUpWidgetCall,
});

export const CALL_PAGES = {
  widgetCold: widgetPage(
    'widget button, clicked at once (engine loads on the click)',
    async () => {},
  ),
  widgetWarm: widgetPage(
    'widget button, hovered first (engine loaded, connection proven)',
    async (page) => {
      await widgetButton(page).hover();
      await waitProven(page);
    },
  ),
  jssip: {
    name: 'minimal JsSIP page (connected on load)',
    url: () => publish(pages.peer('minimal-jssip', VISITOR_CREDENTIALS_URL, false), 'jssip'),
    beforeClick: waitReady,
    clickCall: (page) => page.click('#call'),
    pressKey: (page, key) => page.click(`button.key[data-key="${key}"]`),
    hangup: (page) =>
      page.evaluate(() => (window as unknown as { minimal: { hangup(): void } }).minimal.hangup()),
  },
} satisfies Record<string, CallPage>;

type CallPageKey = keyof typeof CALL_PAGES;

export interface CallSetupResult {
  name: string;
  /** Measured runs (a phase's `runs` says in how many of them it happened). */
  runs: number;
  /** Click → each phase (`inviteSent`, `inviteOk`, `firstRtp`, `firstAudio`, …). */
  phases: Record<string, Summary>;
  /**
   * The click's interaction to next paint: per run, the longest Event Timing entry of the
   * interaction; a run without an entry (all under the 16 ms threshold) counts as 16 ms.
   */
  interaction: Summary;
  /** Runs whose click had no Event Timing entry at or above the threshold. */
  interactionBelowThreshold: number;
}

export type CallSetupResults = Record<CallPageKey, CallSetupResult>;

export interface PlacedCall {
  probed: ProbedPage;
  timeline: Timeline;
  /** The click's longest Event Timing entry, ms; undefined when none reached the threshold. */
  interactionMs: number | undefined;
}

/**
 * Load, click, wait for audio; returns the open page (the caller hangs up and closes).
 * `prepare` runs on the fresh page before it loads (e.g. a diagnostic's init script).
 */
export async function placeCall(
  browser: Browser,
  callPage: CallPage,
  prepare?: (probed: ProbedPage) => Promise<void>,
): Promise<PlacedCall> {
  const probed = await openProbedPage(browser);
  await prepare?.(probed);
  const { page } = probed;
  await page.goto(callPage.url(), { waitUntil: 'load' });
  await callPage.beforeClick(page);
  await page.evaluate(() => window.__probe.armCall());
  await callPage.clickCall(page);
  await waitForMark(page, 'firstAudio');
  return {
    probed,
    timeline: await readTimeline(page, await lastClick(page)),
    // Long painted by now (first audio comes hundreds of ms after the click's frame).
    interactionMs: await longestInteraction(page),
  };
}

export async function endCall(probed: ProbedPage, callPage: CallPage): Promise<void> {
  await callPage.hangup(probed.page);
  await waitForMark(probed.page, 'callEnded', 5000).catch(() => undefined);
  await probed.close();
}

export async function benchCallSetup(browser: Browser): Promise<CallSetupResults> {
  const samples = new Map<CallPageKey, Omit<PlacedCall, 'probed'>[]>();
  const keys = Object.keys(CALL_PAGES) as CallPageKey[];
  for (let i = 0; i < WARMUP_RUNS + RUNS; i++) {
    for (const key of keys) {
      const { probed, ...measured } = await placeCall(browser, CALL_PAGES[key]);
      await endCall(probed, CALL_PAGES[key]);
      if (i >= WARMUP_RUNS) samples.set(key, [...(samples.get(key) ?? []), measured]);
    }
  }
  const results: Partial<CallSetupResults> = {};
  for (const key of keys) {
    const runs = samples.get(key)!;
    const interactions = runs.map((r) => r.interactionMs);
    results[key] = {
      name: CALL_PAGES[key].name,
      runs: runs.length,
      phases: summarizeFields(runs.map((r) => r.timeline)),
      interaction: summarize(interactions.map((d) => d ?? EVENT_DURATION_THRESHOLD_MS)),
      interactionBelowThreshold: interactions.filter((d) => d === undefined).length,
    };
  }
  return results as CallSetupResults;
}

export interface DtmfResult {
  name: string;
  /** Key press → digit recorded by the media server. */
  latency: Summary;
}

export type DtmfResults = Record<'widget' | 'jssip', DtmfResult>;

/**
 * Time between digits: past the tone and the inter-tone gap of the previous one (JsSIP's
 * default gap is 500 ms; a press during it would wait for it), so each press is timed alone.
 */
const DIGIT_SPACING_MS = 800;

async function dtmfLatencies(browser: Browser, callPage: CallPage): Promise<number[]> {
  const { probed } = await placeCall(browser, callPage);
  const { page } = probed;
  try {
    const callId = await page.evaluate(() => window.__probe.callId);
    if (!callId) throw new Error(`${callPage.name}: no Call-ID seen on the INVITE`);
    const latencies: number[] = [];
    for (let i = 0; i < WARMUP_RUNS + RUNS; i++) {
      await callPage.pressKey(page, DIGIT_SEQUENCE[i % DIGIT_SEQUENCE.length]!);
      const pressedAt = await pageTimeToEpoch(page, await lastClick(page));
      const digits = await waitForDigits(callId, i + 1);
      if (i >= WARMUP_RUNS) latencies.push(digits[i]!.t - pressedAt);
      await page.waitForTimeout(DIGIT_SPACING_MS);
    }
    return latencies;
  } finally {
    await endCall(probed, callPage);
  }
}

export async function benchDtmf(browser: Browser): Promise<DtmfResults> {
  return {
    widget: {
      name: 'widget button keypad',
      latency: summarize(await dtmfLatencies(browser, CALL_PAGES.widgetWarm)),
    },
    jssip: {
      name: 'minimal JsSIP page (RFC 2833)',
      latency: summarize(await dtmfLatencies(browser, CALL_PAGES.jssip)),
    },
  };
}
