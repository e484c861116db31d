/**
 * Benchmark 1, page weight: what a page loads, from the browser's network log (CDP
 * `Network` events), then the same URLs fetched again and compressed here (gzip -9,
 * brotli q11) since the lab server sends them uncompressed. Also the page's load event and
 * main-thread time until it settled, against a plain page. The button is weighed at rest,
 * after a hover (what intent fetches) and after a click that places a call.
 */
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { hangUpWidgetCall, WIDGET_BUTTON } from './bench-call';
import {
  enableMetrics,
  openProbedPage,
  type PageMetrics,
  readMetrics,
  waitForMark,
} from './browser';
import type { PeerPage } from './bundle-peers';
import { RUNS, VISITOR_CREDENTIALS_URL, WARMUP_RUNS } from './config';
import { pages, publish } from './pages';
import { type Summary, summarize } from './stats';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/** How long the page must stay quiet after load (nothing idle-loaded afterwards). */
const SETTLE_MS = 1500;

export interface Bytes {
  raw: number;
  gzip: number;
  brotli: number;
}

export interface WeightResult {
  name: string;
  /** JavaScript the page loaded (every script resource). */
  js: Bytes;
  /** The JS resources, by file name. */
  scripts: Record<string, Bytes>;
  /** Everything else except the HTML document (sounds, credentials JSON…): bytes on the wire. */
  otherWire: number;
  otherUrls: string[];
  loadEventMs: Summary;
  /** Main-thread busy time from navigation until settled (CDP TaskDuration). */
  mainThreadMs: Summary;
}

interface Scenario {
  name: string;
  url: () => string;
  /** After load: what the visitor does before the measurement ends (e.g. hover). */
  interact?: (page: Page) => Promise<void>;
}

const compressed = new Map<string, Promise<Bytes>>();

function bytesOf(url: string): Promise<Bytes> {
  let entry = compressed.get(url);
  if (!entry) {
    entry = (async () => {
      const body = Buffer.from(await (await fetch(url)).arrayBuffer());
      const [gz, br] = await Promise.all([
        gzipAsync(body, { level: 9 }),
        brotliAsync(body, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: 11,
            [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
          },
        }),
      ]);
      return { raw: body.length, gzip: gz.length, brotli: br.length };
    })();
    compressed.set(url, entry);
  }
  return entry;
}

const addBytes = (a: Bytes, b: Bytes): Bytes => ({
  raw: a.raw + b.raw,
  gzip: a.gzip + b.gzip,
  brotli: a.brotli + b.brotli,
});

const ZERO: Bytes = { raw: 0, gzip: 0, brotli: 0 };

interface Loaded {
  url: string;
  type: string;
  /** Bytes received for it, headers included (CDP encodedDataLength). */
  wire: number;
}

interface RunResult {
  resources: Loaded[];
  loadEventMs: number;
  metrics: PageMetrics;
}

async function loadOnce(browser: Browser, scenario: Scenario): Promise<RunResult> {
  const probed = await openProbedPage(browser);
  try {
    const { page, cdp } = probed;
    const responses = new Map<string, { url: string; type: string }>();
    const loaded: Loaded[] = [];
    cdp.on('Network.responseReceived', ({ requestId, response, type }) => {
      responses.set(requestId, { url: response.url, type });
    });
    cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) => {
      const response = responses.get(requestId);
      if (response) loaded.push({ ...response, wire: encodedDataLength });
    });
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await enableMetrics(cdp);
    await page.goto(scenario.url(), { waitUntil: 'load' });
    await scenario.interact?.(page);
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(SETTLE_MS);
    const loadEventMs = await page.evaluate(
      () =>
        (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming)
          .loadEventStart,
    );
    const metrics = await readMetrics(cdp);
    return { resources: loaded, loadEventMs, metrics };
  } finally {
    await probed.close();
  }
}

async function weigh(browser: Browser, scenario: Scenario): Promise<WeightResult> {
  const runs: RunResult[] = [];
  for (let i = 0; i < WARMUP_RUNS + RUNS; i++) {
    const run = await loadOnce(browser, scenario);
    if (i >= WARMUP_RUNS) runs.push(run);
  }
  // Bytes do not vary between runs; take them from the last one.
  const last = runs.at(-1)!;
  const scripts: Record<string, Bytes> = {};
  let js = ZERO;
  let otherWire = 0;
  const otherUrls: string[] = [];
  for (const { url, type, wire } of last.resources) {
    if (type === 'Document' || url.startsWith('data:')) continue;
    if (type === 'Script') {
      const bytes = await bytesOf(url);
      scripts[new URL(url).pathname] = bytes;
      js = addBytes(js, bytes);
    } else {
      otherWire += wire;
      otherUrls.push(url);
    }
  }
  return {
    name: scenario.name,
    js,
    scripts,
    otherWire,
    otherUrls,
    loadEventMs: summarize(runs.map((r) => r.loadEventMs)),
    mainThreadMs: summarize(runs.map((r) => r.metrics.taskMs)),
  };
}

const hoverButton = async (page: Page): Promise<void> => {
  const engineLoaded = page.waitForResponse((r) => r.url().endsWith('/softphone-engine.js'));
  await page.hover('sip-call-button');
  await engineLoaded;
};

/**
 * A click that places a call: everything the widget fetches for a call (the budget's "whole
 * widget after a click"). Hung up once answered, before the page is left to settle.
 */
const clickButton = async (page: Page): Promise<void> => {
  await page.click(WIDGET_BUTTON);
  await waitForMark(page, 'inviteOk');
  await hangUpWidgetCall(page);
  await waitForMark(page, 'callEnded');
};

const peerScenario = (name: string, page: PeerPage): Scenario => ({
  name,
  url: () => publish(pages.peer(page, VISITOR_CREDENTIALS_URL, false), page),
});

export const WEIGHT_SCENARIOS = {
  plain: { name: 'plain page (no phone)', url: () => publish(pages.plain(), 'plain') },
  button: {
    name: 'widget: button, before interaction',
    url: () => publish(pages.button(), 'button'),
  },
  buttonAfterIntent: {
    name: 'widget: button after hover',
    url: () => publish(pages.button(), 'button'),
    interact: hoverButton,
  },
  buttonAfterClick: {
    name: 'widget: button after a click (whole widget)',
    url: () => publish(pages.button(), 'button'),
    interact: clickButton,
  },
  jssip: peerScenario('minimal JsSIP page', 'minimal-jssip'),
  sipjs: peerScenario('minimal SIP.js SimpleUser page', 'minimal-sipjs'),
  twilio: peerScenario('minimal Twilio Voice SDK page', 'minimal-twilio'),
} satisfies Record<string, Scenario>;

export type WeightResults = Record<keyof typeof WEIGHT_SCENARIOS, WeightResult>;

export async function benchWeight(browser: Browser): Promise<WeightResults> {
  const results: Partial<WeightResults> = {};
  for (const [key, scenario] of Object.entries(WEIGHT_SCENARIOS)) {
    results[key as keyof WeightResults] = await weigh(browser, scenario);
    console.log(`  weight: ${scenario.name} done`);
  }
  return results as WeightResults;
}
