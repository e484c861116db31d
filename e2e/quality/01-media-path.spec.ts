/**
 * The ground the quality proof stands on: a call through Kamailio and rtpengine keeps one
 * codec (PCMU) end to end, so the media server's sequence numbers and timing reach the
 * browser, and RTCP crosses rtpengine both ways, so the browser measures a round-trip time
 * that follows the delay the media server injects.
 */
import { expect, test } from '../support/fixtures';
import { clearImpairment, impair, impairmentReport } from '../support/impairment';
import { answeredCall, findCall } from '../support/media-server';
import { heldRoundTrip, rttToleranceMs, withinHeld } from '../support/quality-proof';
import { median } from '../support/quality-table';
import { type MediaPathStats, readMediaPathStats } from '../support/rtc-stats';
import type { Widget } from '../support/widget';

/** The round trip added: 100 ms each way. */
const ADDED_MS = 200;

async function pathStats(widget: Widget): Promise<MediaPathStats> {
  const stats = await readMediaPathStats(widget.page, widget.tag);
  if (!stats) throw new Error('no media connection');
  return stats;
}

/** Waits for `count` more RTT measurements than `after` and returns the newest stats. */
async function nextRtt(widget: Widget, after: number, count: number): Promise<MediaPathStats> {
  await expect
    .poll(async () => (await pathStats(widget)).roundTripTimeMeasurements, {
      message: 'RTCP round-trip measurements in the browser',
      timeout: count * 1000 + 10_000,
      intervals: [200],
    })
    .toBeGreaterThanOrEqual(after + count);
  return pathStats(widget);
}

/** The round-trip times of the browser's next `count` RTCP measurements. */
async function nextRtts(widget: Widget, count: number): Promise<number[]> {
  const rtts: number[] = [];
  let seen = (await pathStats(widget)).roundTripTimeMeasurements;
  while (rtts.length < count) {
    const next = await nextRtt(widget, seen, 1);
    seen = next.roundTripTimeMeasurements;
    rtts.push(next.roundTripTimeMs!);
  }
  return rtts;
}

test('PCMU end to end, RTCP through rtpengine: the browser RTT follows injected delay', async ({
  visitor,
}) => {
  const widget = await visitor({ target: 'music' });
  await widget.launcher.click();
  await widget.expectCallState('active');
  const callId = await widget.outgoingCallId();
  const call = await answeredCall(callId);

  // The media server's receiver reports reach the browser: RTT measured from RTCP.
  const first = await nextRtt(widget, 0, 1);
  expect(first.inboundCodec).toBe('audio/PCMU');
  expect(first.outboundCodec).toBe('audio/PCMU');
  expect(call.codec).toBe('PCMU');
  // The path's own RTT: a few ms on a quiet loopback, more under load; either way well
  // below the round trip we add, or the step would not stand out of it.
  const baselineRtts = await nextRtts(widget, 5);
  const baseline = median(baselineRtts);
  expect(baseline, `baseline RTTs ${baselineRtts.join(', ')}`).toBeLessThan(ADDED_MS / 2);
  // ±20 ms, widened by this call's own baseline spread (see rttToleranceMs).
  const tolerance = rttToleranceMs(baselineRtts);

  // 100 ms each way, RTP and RTCP: the round trip grows by 200 ms. Until the browser's next
  // sender report (every ~5 s) has crossed the delayed path, the reports about it carry only
  // the return delay; so wait for the full round trip, then check the next reports.
  await impair(call, { direction: 'both', delayMs: 100 });
  const added = async () => ((await pathStats(widget)).roundTripTimeMs ?? 0) - baseline;
  await expect
    .poll(added, { message: 'RTT grows by the round trip', timeout: 15_000, intervals: [250] })
    .toBeGreaterThan(ADDED_MS - tolerance);
  // Median of the next five reports: a stalled event loop on this loaded machine can
  // inflate a single report by tens of ms, and the median is what a person would read.
  const rtts = (await nextRtts(widget, 5)).map((rtt) => rtt - baseline);
  // Compared with what the stage really held the reports for, not with the nominal 200 ms:
  // on a loaded machine its timers fire late and the path really is longer (seen: 227 ms at
  // load 27), which the widget must report, not hide.
  const { toCaller, fromCaller } = await impairmentReport(call);
  const held = heldRoundTrip(toCaller, fromCaller);
  expect(held.min, 'the stage held each report at least as long as asked').toBeGreaterThan(
    ADDED_MS - 2,
  );
  expect(
    withinHeld(median(rtts), held, tolerance),
    `RTT − baseline: ${rtts.join(', ')}; the stage held RTCP ${held.min} … ${held.max} ms (tolerance ${tolerance.toFixed(1)} ms)`,
  ).toBe(true);

  // The server measures the same round trip from the browser's reports (sent every ~5 s).
  await expect
    .poll(async () => ((await findCall(callId))?.rtp as { rttMs?: number } | undefined)?.rttMs, {
      message: 'media server RTT from the browser receiver reports',
      timeout: 15_000,
      intervals: [500],
    })
    .toBeGreaterThan(ADDED_MS - tolerance);

  await clearImpairment(call);
  await widget.button('Hang up').click();
  await widget.expectEnded('hangup-local');
});
