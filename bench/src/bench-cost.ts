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
import { type HeapGrowth, heapByConstructor, topGrowth } from './heap-snapshot';
import { pages, publish } from './pages';
import { type Summary, slope, summarize } from './stats';

/** Length of one CPU sample window. */
const WINDOW_MS = 1000;
/** After registering (or answering), before sampling: let start-up work finish. */
const SETTLE_MS = 2000;
/** How long each of the leak check's calls stays up. */
const LEAK_CALL_MS = 1000;
/** The leak check's first heap snapshot, after this many calls (lazy one-time setup done). */
const SNAPSHOT_AFTER_CALL = 2;

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
  /** Heap after GC once each call of the leak check ended. */
  heapAfterCalls: number[];
  /** Least-squares heap growth per call over the leak check, bytes. */
  growthPerCall: number;
  /**
   * The same over the second half of the calls only: one-time growth (lazily compiled code,
   * caches filled by the first calls) is over by then; a leak keeps growing.
   */
  lateGrowthPerCall: number;
  /** What grew most between the end of the first few calls and the last one (snapshots). */
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

    const heapAfterCalls: number[] = [];
    let early = new Map<string, { count: number; bytes: number }>();
    for (let i = 0; i < LEAK_CALLS; i++) {
      await callUntilAudio(probed, costPage);
      await page.waitForTimeout(LEAK_CALL_MS);
      await hangupAndWait(probed, costPage);
      heapAfterCalls.push(await heapAfterGc(cdp));
      if (i === SNAPSHOT_AFTER_CALL - 1) early = await heapByConstructor(cdp);
    }
    const growthByConstructor = topGrowth(early, await heapByConstructor(cdp));
    return {
      name: costPage.name,
      idle,
      idleHeap,
      inCall,
      inCallHeap,
      heapAfterCalls,
      growthPerCall: slope(heapAfterCalls),
      lateGrowthPerCall: slope(heapAfterCalls.slice(Math.floor(heapAfterCalls.length / 2))),
      growthByConstructor,
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
