import type { Page } from '@playwright/test';
import type { CallReport, QualitySample } from '../../src/engine/types';
import { expect, test } from '../support/fixtures';
import { clearImpairment, impair } from '../support/impairment';
import { answeredCall, findCall, waitForTimelineEntry } from '../support/media-server';
import type { Widget } from '../support/widget';

/** Keeps every `sip-call-report` of the page whole (the event recorder keeps one level). */
async function keepReports(widget: Widget): Promise<void> {
  await widget.page.evaluate(() => {
    const kept: unknown[] = [];
    (window as unknown as { __reports: unknown[] }).__reports = kept;
    document.addEventListener('sip-call-report', (event) => {
      kept.push(
        JSON.parse(JSON.stringify((event as CustomEvent<{ report: unknown }>).detail.report)),
      );
    });
  });
}

function reports(page: Page): Promise<CallReport[]> {
  return page.evaluate(() => (window as unknown as { __reports: CallReport[] }).__reports);
}

/** The latest quality sample of the element's call. */
function latestSample(widget: Widget): Promise<QualitySample | null> {
  return widget.element.evaluate(
    (el: Element & { call?: { quality: { sample: QualitySample | null } } | null }) =>
      el.call?.quality.sample ?? null,
  );
}

test("both directions rated, and the agent's report keeps the caller's view: loss on the visitor's leg only", async ({
  agent,
  visitor,
}) => {
  // Warnings need a few bad samples to rise and a few good ones to clear (quality/warnings.ts).
  test.setTimeout(120_000);
  const phone = await agent('agent1');
  await phone.expectRegistration('registered');
  await keepReports(phone);
  const caller = await visitor({ target: 'queue' });
  await keepReports(caller);
  await caller.launcher.click();
  const callId = await caller.outgoingCallId();
  await phone.expectCallState('ringing');
  await phone.button('Answer').click();
  await phone.expectCallState('active');
  await caller.expectInboundAudio();

  // Both directions are rated once the media server's first receiver report came back
  // through rtpengine (remote-inbound-rtp in the visitor's browser).
  await expect
    .poll(async () => (await latestSample(caller))?.mosOutbound ?? null, { timeout: 15_000 })
    .not.toBeNull();

  // On the visitor's leg only: 10 % of what the server sends the visitor is lost (the
  // visitor's own warnings), 50 % of what the visitor sends (what the far end hears).
  const visitorLeg = await answeredCall(callId);
  await impair(visitorLeg, { direction: 'to-caller', loss: 0.1 });
  await impair(visitorLeg, { direction: 'from-caller', loss: 0.5 });

  // The visitor rates what it is heard with lower than what it hears, once the server's
  // receiver report tells of the loss. For G.711 (Bpl 25.1) 10 % lost costs Ie-eff 27 R
  // points and 30 % or more at least 52: only a one-way delay over ~500 ms more on the
  // inbound side (its jitter buffer on a stalled machine) could close that gap. Any such
  // sample rates the outbound at most MOS 2.14 (R 41.6).
  await expect
    .poll(
      async () => {
        const sample = await latestSample(caller);
        if (!sample || sample.mos === null || sample.mosOutbound === null) return 'unrated';
        if ((sample.remote.lossFraction ?? 0) < 0.3) return 'no lossy receiver report yet';
        return sample.mosOutbound < sample.mos ? 'outbound lower' : 'not lower';
      },
      { message: "the visitor's outbound MOS below its inbound MOS", timeout: 30_000 },
    )
    .toBe('outbound lower');
  // …and says so where the visitor sees it: both figures in the indicator's details.
  await caller.openPanel();
  await caller.element.locator('sip-quality-indicator button[part="button"]').click();
  const figure = (name: string) =>
    caller.element
      .locator('sip-quality-indicator .figure')
      .filter({ has: caller.page.getByText(name, { exact: true }) })
      .locator('dd');
  await expect(figure('MOS, what you hear')).toHaveText(/^\d\.\d$/);
  await expect(figure('MOS, what the other side hears')).toHaveText(/^\d\.\d$/);
  await caller.screenshot('call quality both ways');

  // The visitor's high-loss reaches the media server (its report, with its MOS both ways)
  // and the agent's phone as the other side's.
  const raised = await waitForTimelineEntry(
    callId,
    (entry) => entry.type === 'remote-quality' && String(entry.warnings).includes('high-loss'),
    "the visitor's report at the media server",
    30_000,
  );
  expect(raised.warnings).toContain('high-loss');
  expect(raised.mos).toEqual({ inbound: expect.any(Number), outbound: expect.any(Number) });
  await expect
    .poll(
      () =>
        phone.element.evaluate(
          (el: Element & { call?: { quality: { farEndWarnings: readonly string[] } } | null }) => [
            ...(el.call?.quality.farEndWarnings ?? []),
          ],
        ),
      { timeout: 15_000 },
    )
    .toContain('high-loss');

  // What the media server did and saw on the visitor's leg: it dropped packets both ways,
  // counted the visitor's stream arriving with loss, and the visitor's receiver reports
  // told of loss on the way to it.
  const served = await findCall(callId);
  expect(served?.impairment.toCaller.rtpDropped).toBeGreaterThan(0);
  expect(served?.impairment.fromCaller.rtpDropped).toBeGreaterThan(0);
  expect(served?.rtp.lost).toBeGreaterThan(0);
  // A receiver report comes every few seconds, and half of what the visitor sends is
  // dropped, its reports too: wait for one that arrived.
  await expect
    .poll(async () => (await findCall(callId))?.rtp.remoteLost ?? 0, {
      message: "the visitor's receiver reports at the media server tell of loss",
      timeout: 20_000,
    })
    .toBeGreaterThan(0);

  // The loss stops; the visitor clears high-loss and tells the agent's phone.
  await clearImpairment(visitorLeg);
  await expect
    .poll(
      async () => {
        const visitorReports = (await findCall(callId))?.timeline.filter(
          (e) => e.type === 'remote-quality',
        );
        return visitorReports?.at(-1)?.warnings;
      },
      { timeout: 30_000 },
    )
    .not.toContain('high-loss');

  await caller.button('Hang up').click();
  await phone.expectEnded('hangup-remote');

  // The visitor's own report summarises both directions; the outbound one holds the
  // lossy sample seen above (at most MOS 2.14).
  await expect.poll(async () => (await reports(caller.page)).length).toBe(1);
  const [own] = await reports(caller.page);
  expect(own!.metrics.mos).not.toBeNull();
  expect(own!.metrics.mosOutbound?.min).toBeLessThan(2.5);

  // The agent's report carries the caller's view: high-loss raised then cleared, in order,
  // and the caller's own MOS both ways exactly as the media server last read it from the
  // visitor and passed it on.
  await expect.poll(async () => (await reports(phone.page)).length).toBe(1);
  const [agentReport] = await reports(phone.page);
  const farEndLoss = agentReport!.farEnd.warnings.filter((w) => w.warning === 'high-loss');
  expect(farEndLoss.map((w) => w.raised)).toEqual([true, false]);
  const lastRead = (await findCall(callId))?.timeline
    .filter((e) => e.type === 'remote-quality')
    .at(-1);
  expect(lastRead?.mos).toEqual({ inbound: expect.any(Number), outbound: expect.any(Number) });
  expect(agentReport!.farEnd.mos).toEqual(lastRead?.mos);
});
