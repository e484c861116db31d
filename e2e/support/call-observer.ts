/**
 * What a journey reads and waits for about the call behind an element, the same for both
 * page drivers: Playwright's `Widget` (widget.ts, Chromium) and puppeteer's `FirefoxWidget`
 * (firefox.ts). Each reads the page with the same self-contained in-page functions, through
 * its own `evaluate`; everything above that one method is written once, here.
 */
import { expect } from '@playwright/test';
import { type RecordedEvent, recordedEventsInPage } from './element-events';
import { type AudioStats, audioStatsInPage } from './rtc-stats';

/** What `el.call` says, read in the page (engine truth behind what is shown). */
export interface CallSnapshot {
  id: string;
  state: string;
  hold: string;
  direction: string;
  endCause: string | undefined;
}

/**
 * Runs in the page: `document.querySelector(tag).call`'s fields, or undefined without a
 * call. Self-contained, so any driver can evaluate it.
 */
function callSnapshotInPage(tag: string): CallSnapshot | undefined {
  const el = document.querySelector(tag) as (Element & { call?: CallSnapshot | null }) | null;
  const call = el?.call;
  if (!call) return undefined;
  // The fields alone: `call` is a live engine object, which does not cross out of the page.
  const { id, state, hold, direction, endCause } = call;
  return { id, state, hold, direction, endCause };
}

export abstract class CallObserver {
  /** The element observed (its tag name, as a selector). */
  abstract readonly tag: string;

  /**
   * Runs `fn(arg)` in the page and resolves with its result: the driver's own `evaluate`
   * (Playwright's and puppeteer's differ in their typings, not in what they do here).
   */
  protected abstract inPage<A extends string | undefined, R>(
    fn: (arg: A) => R | Promise<R>,
    arg: A,
  ): Promise<R>;

  call(): Promise<CallSnapshot | undefined> {
    return this.inPage(callSnapshotInPage, this.tag);
  }

  /** Every `sip-…` event the page's elements dispatched so far, of `type` or all. */
  events(type?: string): Promise<RecordedEvent[]> {
    return this.inPage(recordedEventsInPage, type);
  }

  stats(): Promise<AudioStats | undefined> {
    return this.inPage(audioStatsInPage, this.tag);
  }

  /** Waits until the engine call behind the element is in `state`. */
  expectCallState(state: string, timeout = 10_000): Promise<void> {
    return this.expectCallField('state', state, timeout);
  }

  /** Waits until the engine call behind the element has this `hold` state. */
  expectHold(hold: string, timeout = 10_000): Promise<void> {
    return this.expectCallField('hold', hold, timeout);
  }

  private async expectCallField(
    field: 'state' | 'hold',
    expected: string,
    timeout: number,
  ): Promise<void> {
    await expect
      .poll(async () => (await this.call())?.[field] ?? 'no call', {
        message: `${this.tag} ${field === 'state' ? 'call' : field} state`,
        timeout,
        intervals: [50],
      })
      .toBe(expected);
  }

  /**
   * Waits for the element's `sip-call-ended` event with this cause (the element drops
   * `el.call` when the call ends) and returns the event's detail.
   */
  async expectEnded(cause: string, timeout = 10_000): Promise<Record<string, unknown>> {
    await expect
      .poll(
        async () => (await this.events('sip-call-ended')).map((e) => e.detail.cause).join(','),
        { message: `${this.tag} sip-call-ended cause`, timeout, intervals: [50] },
      )
      .toContain(cause);
    const ended = await this.events('sip-call-ended');
    return ended.find((e) => e.detail.cause === cause)!.detail;
  }

  /** Waits until packets rise in both directions from the current counters. */
  async expectPacketsFlowingBothWays(minPackets = 25, timeout = 10_000): Promise<void> {
    const before = await this.stats();
    expect(before, `${this.tag} has a media connection`).toBeDefined();
    await expect
      .poll(
        async () => {
          const now = await this.stats();
          return Math.min(
            (now?.packetsReceived ?? 0) - before!.packetsReceived,
            (now?.packetsSent ?? 0) - before!.packetsSent,
          );
        },
        { message: `${this.tag} packets sent and received`, timeout, intervals: [100] },
      )
      .toBeGreaterThanOrEqual(minPackets);
  }

  /** Waits until inbound packets stop arriving (two reads 300 ms apart are equal). */
  async expectInboundPaused(timeout = 10_000): Promise<void> {
    let previous = -1;
    await expect
      .poll(
        async () => {
          const now = (await this.stats())?.packetsReceived ?? 0;
          const paused = now === previous;
          previous = now;
          return paused;
        },
        { message: `${this.tag} inbound packets stop`, timeout, intervals: [300] },
      )
      .toBe(true);
  }
}
