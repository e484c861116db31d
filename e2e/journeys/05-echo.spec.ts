import { expect, test } from '../support/fixtures';
import { entryOfType, waitForTimelineEntry } from '../support/media-server';
import { SILENCE_WAV } from '../support/paths';
import { countBursts, sampleInboundPower } from '../support/rtc-stats';
import type { Widget } from '../support/widget';

/** Mean power per 100 ms window: a 1 kHz burst through Opus is far above 0.01, silence ~0. */
const LOUD = 0.01;
const QUIET = 0.001;

/** Mean time a received audio sample spent in the jitter buffer so far (getStats), ms. */
function meanJitterBufferMs(widget: Widget): Promise<number> {
  return widget.page.evaluate(async (tag) => {
    const el = document.querySelector(tag) as
      | (Element & { call?: { peerConnection?: RTCPeerConnection } })
      | null;
    let delay = 0;
    let emitted = 0;
    (await el?.call?.peerConnection?.getStats())?.forEach((s: Record<string, unknown>) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') {
        delay += Number(s.jitterBufferDelay ?? 0);
        emitted += Number(s.jitterBufferEmittedCount ?? 0);
      }
    });
    return emitted > 0 ? (delay / emitted) * 1000 : 0;
  }, widget.tag);
}

test('echo test: tone bursts in come back as tone bursts', async ({ visitor }) => {
  const widget = await visitor({ target: 'echo' });
  await widget.launcher.click();
  await widget.expectCallState('active');
  const callId = await widget.outgoingCallId();
  // After its spoken intro the server echoes: the timeline says when.
  await waitForTimelineEntry(callId, entryOfType('echo-started'), 'echo started', 15_000);
  await widget.expectInboundAudio();

  // The microphone plays 400 ms bursts every second: about 4 in 4 s, with quiet between.
  const powers = await sampleInboundPower(widget.page, widget.tag, 4_000);
  const bursts = countBursts(powers, LOUD, QUIET);
  expect(bursts, `bursts in ${powers.map((p) => p.toFixed(3)).join(' ')}`).toBeGreaterThanOrEqual(
    3,
  );
  expect(bursts).toBeLessThanOrEqual(5);

  await widget.button('Hang up').click();
  await waitForTimelineEntry(callId, entryOfType('ended'), 'ended');
});

test('echo test: silence in gives silence back', async ({ visitor }) => {
  const widget = await visitor({ target: 'echo' }, { microphone: { wav: SILENCE_WAV } });
  await widget.launcher.click();
  await widget.expectCallState('active');
  const callId = await widget.outgoingCallId();
  await waitForTimelineEntry(callId, entryOfType('echo-started'), 'echo started', 15_000);
  // Media flows (so silence is not just "nothing arrives")...
  await widget.expectPacketsFlowingBothWays();
  // ...and what comes back, once the intro's last frames have played out, is silent. Those
  // frames wait in the jitter buffer, which is deeper on a loaded machine: skip twice its
  // mean depth so far (at least 500 ms, what a quiet machine needs), then 2 s of silence.
  const bufferMs = await meanJitterBufferMs(widget);
  const tailMs = Math.round(Math.max(500, 2 * bufferMs));
  const powers = await sampleInboundPower(widget.page, widget.tag, tailMs + 2_000);
  const afterIntroTail = powers.slice(Math.ceil(tailMs / 100));
  expect(
    Math.max(...afterIntroTail),
    `${powers.map((p) => p.toFixed(4)).join(' ')} (skipped ${tailMs} ms)`,
  ).toBeLessThan(QUIET);

  await widget.button('Hang up').click();
  await waitForTimelineEntry(callId, entryOfType('ended'), 'ended');
});

/**
 * Holds the page's getUserMedia until the test calls `openMicrophone()` in the page: a
 * microphone that takes its time to open, as a real headset does (100–300 ms).
 */
function holdMicrophone(): void {
  const devices = navigator.mediaDevices;
  const real = devices.getUserMedia.bind(devices);
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  const page = window as unknown as { openMicrophone: () => void; microphoneAsked: number };
  page.microphoneAsked = 0;
  page.openMicrophone = () => open();
  devices.getUserMedia = async (constraints) => {
    page.microphoneAsked += 1;
    await opened;
    return real(constraints);
  };
}

test('the call does not wait for the microphone: answered while it opens, then its bursts come back', async ({
  visitor,
}) => {
  const widget = await visitor(
    { target: 'echo' },
    {
      prepare: async (context) => {
        await context.addInitScript(holdMicrophone);
      },
    },
  );
  await widget.launcher.click();
  // The media server got the INVITE and answered it while the page's microphone was still
  // opening (the browser's fake permission reads `granted`: offer-before-microphone.ts).
  await widget.expectCallState('active');
  const callId = await widget.outgoingCallId();
  await waitForTimelineEntry(callId, entryOfType('answered'), 'answered');
  expect(
    await widget.page.evaluate(
      () => (window as unknown as { microphoneAsked: number }).microphoneAsked,
    ),
  ).toBe(1);

  await widget.page.evaluate(() =>
    (window as unknown as { openMicrophone: () => void }).openMicrophone(),
  );

  // The late microphone is what the server echoes: our bursts come back.
  await waitForTimelineEntry(callId, entryOfType('echo-started'), 'echo started', 15_000);
  await widget.expectPacketsFlowingBothWays();
  const powers = await sampleInboundPower(widget.page, widget.tag, 4_000);
  const bursts = countBursts(powers, LOUD, QUIET);
  expect(bursts, `bursts in ${powers.map((p) => p.toFixed(3)).join(' ')}`).toBeGreaterThanOrEqual(
    3,
  );
  // No re-INVITE: the microphone went on the sender that was offered.
  const reinvites = widget.wire
    .sentRequests('INVITE')
    .filter((m) => m.callId === callId && /;\s*tag=/.test(m.to));
  expect(reinvites).toEqual([]);

  await widget.button('Hang up').click();
  await waitForTimelineEntry(callId, entryOfType('ended'), 'ended');
});
