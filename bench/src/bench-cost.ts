/**
 * Benchmark 5, cost in the page: main-thread time (CDP `Performance.getMetrics`
 * TaskDuration / ScriptDuration, per second) and JS heap after a forced GC, for a
 * registered phone left idle, during a call, and over calls one after another (leak check).
 * Widget `<sip-phone>` (agent) against the minimal JsSIP page registering the same agent.
 */
import type { Browser, Page } from 'playwright-core';
import {
  enableMetrics,
  heapAfterGc,
  openProbedPage,
  type ProbedPage,
  readMetrics,
  waitForMark,
} from './browser';
import { agentCredentialsUrl, CALL_TARGET, LEAK_CALLS, RUNS } from './config';
import { type HeapGrowth, heapByConstructor, objectBytes, topGrowth } from './heap-snapshot';
import { pages, publish } from './pages';
import { type Summary, summarize } from './stats';

/** Length of one CPU sample window. */
const WINDOW_MS = 1000;
/** After registering (or answering), before sampling: let start-up work finish. */
const SETTLE_MS = 2000;
/** How long each of the leak check's calls stays up. */
const LEAK_CALL_MS = 1000;
/**
 * Wait before the leak check's heap readings: JsSIP keeps a finished INVITE transaction
 * (with its messages) for Timer M, 64 × T1 = 32 s. Retention that ends is not a leak.
 */
const TRANSACTION_SETTLE_MS = 35_000;

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
      await page.evaluate((t) => void document.querySelector('sip-phone')?.phone?.call(t), target);
    },
    hangup: async (page: Page) => {
      await page.evaluate(() => document.querySelector('sip-phone')?.call?.hangup());
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

async function measure(browser: Browser, costPage: CostPage): Promise<CostResult> {
  const probed = await openProbedPage(browser);
  try {
    const { page, cdp } = probed;
    await enableMetrics(cdp);
    await page.goto(publish(costPage.html(agentCredentialsUrl()), 'cost'));
    await waitForMark(page, 'registered');
    await page.waitForTimeout(SETTLE_MS);
    const idle = await sampleCpu(probed);
    const idleHeap = await heapAfterGc(cdp);

    await callUntilAudio(probed, costPage);
    await page.waitForTimeout(SETTLE_MS);
    const inCall = await sampleCpu(probed);
    const inCallHeap = await heapAfterGc(cdp);
    await hangupAndWait(probed, costPage);

    // Baseline after one call and a settle: one-time setup is done, and JsSIP's finished
    // transactions (kept for Timer M, 32 s) are gone, as they will be at the end.
    await callUntilAudio(probed, costPage);
    await hangupAndWait(probed, costPage);
    await page.waitForTimeout(TRANSACTION_SETTLE_MS);
    const baselineHeap = await heapAfterGc(cdp);
    const baselineGroups = await heapByConstructor(cdp);
    const heapAfterCalls: number[] = [];
    for (let i = 0; i < LEAK_CALLS; i++) {
      await callUntilAudio(probed, costPage);
      await page.waitForTimeout(LEAK_CALL_MS);
      await hangupAndWait(probed, costPage);
      heapAfterCalls.push(await heapAfterGc(cdp));
    }
    await page.waitForTimeout(TRANSACTION_SETTLE_MS);
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
