/**
 * Debian's Chromium, launched once per benchmark; every measured run gets a fresh context
 * (empty cache, new connections), like a first-time visitor.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  type Browser,
  type BrowserContext,
  type CDPSession,
  chromium,
  type Page,
} from 'playwright-core';
import { chromiumArgs } from '../../e2e/support/browser';
import { CHROMIUM_PATH } from '../../testkit/chromium';
import { BUILD_DIR } from './config';
import {
  AUDIBLE_RMS,
  EVENT_DURATION_THRESHOLD_MS,
  installProbe,
  type LayoutShiftTotals,
  PAGE_MARKS,
  type ProbeMarks,
  STATS_POLL_MS,
} from './probe';

/** A 440 Hz tone as the microphone: the echo service then always sends audio back. */
const MICROPHONE_WAV = path.join(BUILD_DIR, 'mic-tone.wav');

function writeToneWav(file: string, seconds = 10, sampleRate = 48_000): void {
  const samples = seconds * sampleRate;
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write('RIFF', 0);
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write('WAVEfmt ', 8);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36);
  wav.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) {
    wav.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / sampleRate)), 44 + i * 2);
  }
  writeFileSync(file, wav);
}

export function launchBrowser(): Promise<Browser> {
  writeToneWav(MICROPHONE_WAV);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // The same flags as the end-to-end suite: a page here behaves as it does there.
    args: chromiumArgs({ wav: MICROPHONE_WAV }),
  });
}

export interface ProbedPage {
  context: BrowserContext;
  page: Page;
  cdp: CDPSession;
  close(): Promise<void>;
}

/** Console errors and uncaught exceptions of each page, for failure messages. */
const pageErrors = new WeakMap<Page, string[]>();

/** A fresh context with the probe installed and a CDP session on its page. */
export async function openProbedPage(browser: Browser): Promise<ProbedPage> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  await context.addInitScript(installProbe, {
    pollMs: STATS_POLL_MS,
    audibleRms: AUDIBLE_RMS,
    pageMarks: PAGE_MARKS,
    eventDurationThreshold: EVENT_DURATION_THRESHOLD_MS,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  pageErrors.set(page, errors);
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  const cdp = await context.newCDPSession(page);
  return { context, page, cdp, close: () => context.close() };
}

/** Waits (polling every 20 ms, never rAF) until the probe has `mark`; returns its value. */
export async function waitForMark(
  page: Page,
  mark: keyof ProbeMarks,
  timeout = 15_000,
): Promise<number> {
  try {
    const handle = await page.waitForFunction((name) => window.__probe.marks[name], mark, {
      polling: 20,
      timeout,
    });
    return (await handle.jsonValue()) as number;
  } catch (error) {
    const marks = await readMarks(page).catch(() => ({}));
    throw new Error(
      `no '${mark}' within ${timeout} ms on ${page.url()}; marks so far: ${JSON.stringify(marks)}; page errors: ${pageErrors.get(page)?.join(' | ') || 'none'}`,
      { cause: error },
    );
  }
}

export const readMarks = (page: Page): Promise<ProbeMarks> =>
  page.evaluate(() => ({ ...window.__probe.marks }));

/**
 * The probe's marks plus the page's downloads (Resource Timing): when the engine chunk and
 * the credentials were requested (`startTime`) and received (`responseEnd`), and when the
 * page's own scripts were received. Times are relative to `zero` (a page time, e.g. the
 * click); phases that did not happen are absent.
 */
export type Timeline = Partial<
  Record<
    | keyof ProbeMarks
    | 'pageScript'
    | 'engineRequested'
    | 'engineLoaded'
    | 'credentialsRequested'
    | 'credentials',
    number
  >
>;

export async function readTimeline(page: Page, zero = 0): Promise<Timeline> {
  const absolute = await page.evaluate(() => {
    const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    const find = (match: (path: string) => boolean) =>
      resources.find((r) => match(new URL(r.name).pathname));
    const isEngine = (path: string) => path.endsWith('/softphone-engine.js');
    const isCredentials = (path: string) => path.startsWith('/credentials/');
    const scripts = resources.filter(
      (r) => r.initiatorType === 'script' && !isEngine(new URL(r.name).pathname),
    );
    return {
      pageScript: scripts.length > 0 ? Math.max(...scripts.map((r) => r.responseEnd)) : undefined,
      engineRequested: find(isEngine)?.startTime,
      engineLoaded: find(isEngine)?.responseEnd,
      credentialsRequested: find(isCredentials)?.startTime,
      credentials: find(isCredentials)?.responseEnd,
      ...window.__probe.marks,
    };
  });
  const timeline: Timeline = {};
  for (const [name, time] of Object.entries(absolute)) {
    if (typeof time === 'number') timeline[name as keyof Timeline] = time - zero;
  }
  return timeline;
}

/** Waits for two frames to be rendered, then takes what the probe's observers hold. */
async function flushObservers(page: Page): Promise<void> {
  await page.evaluate(async () => {
    // Layout shifts and Event Timing entries are queued when a frame is rendered; the
    // second frame's callback runs after the first one's rendering (HTML "update the
    // rendering"), so everything up to now has been rendered and queued.
    for (let frame = 0; frame < 2; frame++) {
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
    window.__probe.flushObservers();
  });
}

/**
 * The longest Event Timing entry of the page's interactions so far (ms), or undefined when
 * none reached the probe's duration threshold.
 */
export async function longestInteraction(page: Page): Promise<number | undefined> {
  await flushObservers(page);
  return page.evaluate(() => window.__probe.interactions.longest);
}

/** The page's layout shifts without recent input since navigation, up to its last frame. */
export async function layoutShifts(page: Page): Promise<LayoutShiftTotals> {
  await flushObservers(page);
  return page.evaluate(() => window.__probe.layoutShifts);
}

/** `event.timeStamp` of the last click the page saw. */
export const lastClick = (page: Page): Promise<number> =>
  page.evaluate(() => window.__probe.clicks.at(-1) ?? Number.NaN);

/** Epoch ms of a page time (`performance.now()` scale): comparable with the servers' clocks. */
export const pageTimeToEpoch = (page: Page, pageTime: number): Promise<number> =>
  page.evaluate((t) => performance.timeOrigin + t, pageTime);

export interface PageMetrics {
  /** Main-thread busy time, ms (CDP TaskDuration). */
  taskMs: number;
  /** JavaScript execution time, ms (CDP ScriptDuration). */
  scriptMs: number;
  /** JS heap in use, bytes. */
  heapUsed: number;
}

export async function enableMetrics(cdp: CDPSession): Promise<void> {
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
}

export async function readMetrics(cdp: CDPSession): Promise<PageMetrics> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const value = (name: string) => metrics.find((m) => m.name === name)?.value ?? Number.NaN;
  return {
    taskMs: value('TaskDuration') * 1000,
    scriptMs: value('ScriptDuration') * 1000,
    heapUsed: value('JSHeapUsedSize'),
  };
}

/** Heap in use after a full garbage collection, bytes. */
export async function heapAfterGc(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  return (await readMetrics(cdp)).heapUsed;
}
