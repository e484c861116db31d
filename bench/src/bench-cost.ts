/**
 * Benchmark 5, cost in the page: main-thread time (CDP `Performance.getMetrics`
 * TaskDuration / ScriptDuration, per second) and JS heap after a forced GC, for a
 * registered phone left idle, during a call, and over calls one after another (leak check).
 * Widget `<sip-phone>` (agent) against the minimal JsSIP page registering the same agent.
 */
import type { Browser, Page } from 'playwright-core';
import type { SipPhone } from '../../src/elements/phone/sip-phone';
import {
  enableMetrics,
  heapAfterGc,
  openProbedPage,
  type ProbedPage,
  readMetrics,
  waitForMark,
} from './browser';
import { agentCredentialsUrl, CALL_TARGET, LEAK_CALLS, RUNS, signInAgent } from './config';
import { type HeapGrowth, heapByConstructor, objectBytes, topGrowth } from './heap-snapshot';
import { pages, publish } from './pages';
import { type Summary, summarize } from './stats';

/**
 * Length of one CPU sample window. A measurement interval, not a wait for some state:
 * main-thread time is reported per second of page time.
 */
const WINDOW_MS = 1000;
/**
 * Longest wait before the leak check's heap readings: JsSIP keeps a finished INVITE
 * transaction (with its messages) for Timer M, 64 × T1 = 32 s. Retention that ends is not
 * a leak, so the readings wait until the UA holds no transaction.
 */
const TRANSACTION_RELEASE_TIMEOUT_MS = 40_000;

interface CostPage {
  name: string;
  html: (credentialsUrl: string) => string;
  call: (page: Page, target: string) => Promise<void>;
  hangup: (page: Page) => Promise<void>;
}

const COST_PAGES = {
  widget: {
    name: 'widget `<sip-phone>`',
    html: (url: string) => pages.phone(url),
    call: async (page: Page, target: string) => {
      await page.evaluate(
        (t) => void document.querySelector<SipPhone>('sip-phone')?.phone?.call(t),
        target,
      );
    },
    hangup: async (page: Page) => {
      await page.evaluate(() => document.querySelector<SipPhone>('sip-phone')?.call?.hangup());
    },
  },
  jssip: {
    name: 'minimal JsSIP page',
    html: (url: string) => pages.peer('minimal-jssip', url, true),
    call: async (page: Page, target: string) => {
      await page.evaluate(
        (t) => (window as unknown as { minimal: { call(t: string): void } }).minimal.call(t),
        target,
      );
    },
    hangup: async (page: Page) => {
      await page.evaluate(() =>
        (window as unknown as { minimal: { hangup(): void } }).minimal.hangup(),
      );
    },
  },
} satisfies Record<string, CostPage>;

export interface CpuSummary {
  /** Main-thread busy ms per second. */
  task: Summary;
  /** JavaScript ms per second. */
  script: Summary;
}

export interface CostResult {
  name: string;
  idle: CpuSummary;
  idleHeap: number;
  inCall: CpuSummary;
  inCallHeap: number;
  /** Heap after GC once each call of the leak check ended (before the settle). */
  heapAfterCalls: number[];
  /** Heap after GC before the leak check's calls, and after them, both settled. */
  baselineHeap: number;
  settledHeap: number;
  /** (settled − baseline) / calls, bytes: JS heap in use, compiled code included. */
  growthPerCall: number;
  /** The same without compiled code (which V8 adds as functions get hot): objects only. */
  objectGrowthPerCall: number;
  /** What grew most from baseline to settled (heap snapshots). */
  growthByConstructor: HeapGrowth[];
}

export type CostResults = Record<keyof typeof COST_PAGES, CostResult>;

async function sampleCpu(probed: ProbedPage): Promise<CpuSummary> {
  const task: number[] = [];
  const script: number[] = [];
  let previous = await readMetrics(probed.cdp);
  for (let i = 0; i < RUNS; i++) {
    await probed.page.waitForTimeout(WINDOW_MS);
    const current = await readMetrics(probed.cdp);
    task.push(current.taskMs - previous.taskMs);
    script.push(current.scriptMs - previous.scriptMs);
    previous = current;
  }
  return { task: summarize(task), script: summarize(script) };
}

async function callUntilAudio(probed: ProbedPage, costPage: CostPage): Promise<void> {
  await probed.page.evaluate(() => window.__probe.armCall());
  await costPage.call(probed.page, CALL_TARGET);
  await waitForMark(probed.page, 'firstAudio');
}

async function hangupAndWait(probed: ProbedPage, costPage: CostPage): Promise<void> {
  await costPage.hangup(probed.page);
  await waitForMark(probed.page, 'callEnded', 5000);
}

/** Start-up work (registering, answering) is over once the page gets an idle period. */
async function pageIdle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve) => requestIdleCallback(() => resolve())));
}

/** JsSIP's internals, read only to know when it dropped its finished transactions. */
interface HeldTransactions {
  _transactions: Record<string, Record<string, unknown>>;
}

/** Waits until the page's JsSIP UA (widget or minimal page) holds no transaction. */
async function transactionsReleased(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const w = window as unknown as { minimal?: { ua(): HeldTransactions | undefined } };
      // The widget's UA is a private field of its Phone: the benchmark reaches in on purpose.
      // `<sip-phone>` shares its phone between tabs (single-tab), so `el.phone` is a TabPhone
      // (src/engine/tab-phone.ts) whose private `phone` is the Phone, in the tab that owns it.
      const handle = document.querySelector<SipPhone>('sip-phone')?.phone as
        | { ua?: HeldTransactions; phone?: { ua?: HeldTransactions } }
        | undefined;
      const ua = w.minimal?.ua() ?? handle?.ua ?? handle?.phone?.ua;
      if (!ua) return false;
      return Object.values(ua._transactions).every((kind) => Object.keys(kind).length === 0);
    },
    null,
    { polling: 500, timeout: TRANSACTION_RELEASE_TIMEOUT_MS },
  );
}

async function measure(browser: Browser, costPage: CostPage): Promise<CostResult> {
  const probed = await openProbedPage(browser);
  try {
    const { page, cdp } = probed;
    await enableMetrics(cdp);
    await signInAgent(probed.context);
    await page.goto(publish(costPage.html(agentCredentialsUrl()), 'cost'));
    await waitForMark(page, 'registered');
    await pageIdle(page);
    const idle = await sampleCpu(probed);
    const idleHeap = await heapAfterGc(cdp);

    await callUntilAudio(probed, costPage);
    await pageIdle(page);
    const inCall = await sampleCpu(probed);
    const inCallHeap = await heapAfterGc(cdp);
    await hangupAndWait(probed, costPage);

    // Baseline after one call: one-time setup is done, and JsSIP's finished transactions
    // (kept for Timer M, 32 s) are gone, as they will be at the end.
    await callUntilAudio(probed, costPage);
    await hangupAndWait(probed, costPage);
    await transactionsReleased(page);
    const baselineHeap = await heapAfterGc(cdp);
    const baselineGroups = await heapByConstructor(cdp);
    const heapAfterCalls: number[] = [];
    for (let i = 0; i < LEAK_CALLS; i++) {
      // Up until the far end's audio is heard: the whole call lifecycle, media included.
      await callUntilAudio(probed, costPage);
      await hangupAndWait(probed, costPage);
      heapAfterCalls.push(await heapAfterGc(cdp));
    }
    await transactionsReleased(page);
    const settledHeap = await heapAfterGc(cdp);
    const settledGroups = await heapByConstructor(cdp);
    return {
      name: costPage.name,
      idle,
      idleHeap,
      inCall,
      inCallHeap,
      heapAfterCalls,
      baselineHeap,
      settledHeap,
      growthPerCall: (settledHeap - baselineHeap) / LEAK_CALLS,
      objectGrowthPerCall: (objectBytes(settledGroups) - objectBytes(baselineGroups)) / LEAK_CALLS,
      growthByConstructor: topGrowth(baselineGroups, settledGroups),
    };
  } finally {
    await probed.close();
  }
}

export async function benchCost(browser: Browser): Promise<CostResults> {
  return {
    widget: await measure(browser, COST_PAGES.widget),
    jssip: await measure(browser, COST_PAGES.jssip),
  };
}
