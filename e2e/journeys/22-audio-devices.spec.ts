import { expect, test } from '../support/fixtures';
import {
  downloadRecording,
  entryOfType,
  findCall,
  waitForTimelineEntry,
} from '../support/media-server';
import { type Pcm, parseWav, rms, toneShare } from '../support/wav';
import type { Widget } from '../support/widget';

/**
 * Chromium's fake capture (`--use-fake-device-for-media-stream`) lists two audio inputs
 * besides the default, each playing the journeys' microphone file (1 kHz bursts).
 */
const SECOND_MICROPHONE = 'Fake Audio Input 1';

/** The label of the microphone track the call on screen sends now (its RTP sender's). */
function sentMicrophone(phone: Widget): Promise<string | undefined> {
  return phone.page.evaluate(() => {
    const el = document.querySelector('sip-phone') as {
      call?: { peerConnection?: RTCPeerConnection };
    } | null;
    return el?.call?.peerConnection?.getSenders().find((sender) => sender.track?.kind === 'audio')
      ?.track?.label;
  });
}

/**
 * The output device (`sinkId`) of the media element the page played: the far end's voice
 * (a stream) or the file whose URL ends with `file`.
 */
function sinkOf(
  phone: Widget,
  what: { voice: true } | { file: string },
): Promise<string | undefined> {
  return phone.page.evaluate((wanted) => {
    const played = (window as { __playedMedia?: HTMLMediaElement[] }).__playedMedia ?? [];
    const element = played.find((media) =>
      'voice' in wanted
        ? media.srcObject !== null && !media.paused
        : media.src.endsWith(wanted.file),
    );
    return element?.sinkId;
  }, what);
}

/** `seconds` from `from` to `to` of a recording's caller channel. */
function window(pcm: Pcm, from: number, to: number): Pcm {
  const at = (s: number) => Math.max(0, Math.round(s * pcm.sampleRate));
  return { sampleRate: pcm.sampleRate, samples: pcm.samples.subarray(at(from), at(to)) };
}

test('audio devices: mid-call, the agent picks another microphone in the device menu; the call stays up, without a re-INVITE, and the media server keeps hearing the microphone', async ({
  agent,
}) => {
  // Generous: on the shared two-core machine one run took over a minute. Nothing here is timed.
  test.setTimeout(150_000);
  const phone = await agent('agent4');
  await phone.expectRegistration('registered');

  // The agent calls the recorder: what the media server hears ends up in its WAV.
  await phone.element.getByLabel('Number or address').fill('record');
  await phone.button('Call').click();
  await phone.expectCallState('active');
  const callId = await phone.outgoingCallId();
  const recording = await waitForTimelineEntry(
    callId,
    entryOfType('recording'),
    'recording',
    20_000,
  );
  // About two seconds of the first microphone on the recording.
  await phone.expectPacketsFlowingBothWays(100, 15_000);
  expect(await sentMicrophone(phone)).toBe('Fake Default Audio Input');
  const invitesBefore = phone.wire.sentRequests('INVITE').length;

  // The device menu: a settings button, then the labelled microphone select.
  await phone.button('Audio devices').click();
  const microphone = phone.element.getByLabel('Microphone', { exact: true });
  await expect(microphone).toBeVisible();
  await expect(microphone.locator('option')).toContainText([
    'System default',
    SECOND_MICROPHONE,
    'Fake Audio Input 2',
  ]);
  // The level meter hears the microphone while the menu is open.
  const level = phone.element.locator('[part="microphone-level"]');
  await expect
    .poll(() => level.evaluate((meter: HTMLMeterElement) => meter.value), { intervals: [50] })
    .toBeGreaterThan(0.01);
  await phone.screenshot('device-menu');
  await microphone.selectOption({ label: SECOND_MICROPHONE });
  const switchedAt = Date.now();

  // The widget shows the new device, and the call sends it.
  await expect(microphone.locator('option:checked')).toHaveText(SECOND_MICROPHONE);
  await expect.poll(() => sentMicrophone(phone), { intervals: [50] }).toBe(SECOND_MICROPHONE);
  const changes = await phone.events('sip-devices-change');
  expect(changes.at(-1)?.detail).toMatchObject({ devices: { microphone: expect.any(String) } });
  await phone.screenshot('device-switched');

  // The speaker: the far end's voice moves to the chosen output (setSinkId), and so does the
  // speaker's test sound.
  const speaker = phone.element.getByLabel('Speaker (call audio)');
  await speaker.selectOption({ label: 'Fake Audio Output 1' });
  const speakerId = await speaker.inputValue();
  expect(speakerId).not.toBe('');
  await expect.poll(() => sinkOf(phone, { voice: true }), { intervals: [50] }).toBe(speakerId);
  await phone.button('Play test sound on the speaker').click();
  await expect
    .poll(() => sinkOf(phone, { file: 'speaker-test.wav' }), { intervals: [50] })
    .toBe(speakerId);

  // About three seconds of the second microphone, the call still up on both sides.
  await phone.expectPacketsFlowingBothWays(150, 15_000);
  await phone.expectCallState('active');
  expect((await findCall(callId))?.state).toBe('answered');
  // No renegotiation for the switch: the page sent no other INVITE, and the media server
  // received no re-offer in the call (its timeline records every one, docs/CONTRACTS.md).
  expect(phone.wire.sentRequests('INVITE')).toHaveLength(invitesBefore);
  expect((await findCall(callId))?.timeline.filter((e) => e.type === 'reoffer')).toEqual([]);

  // A hold, which does renegotiate, is on that timeline: the check above could fail.
  const heldAt = Date.now();
  await phone.button('Hold').click();
  await phone.expectHold('local');
  await waitForTimelineEntry(callId, entryOfType('reoffer', { method: 'INVITE' }), 'the re-offer');
  expect(phone.wire.sentRequests('INVITE')).toHaveLength(invitesBefore + 1);

  await phone.button('Hang up').click();
  await phone.expectEnded('hangup-local');
  await waitForTimelineEntry(callId, entryOfType('recording-stopped'), 'recording stopped');

  const call = (await findCall(callId))!;
  expect(call.timeline.filter((entry) => entry.type === 'reoffer')).toHaveLength(1);
  expect(call.timeline.find((entry) => entry.type === 'ended')).toMatchObject({
    reason: 'remote-bye',
  });

  // What the media server heard (left = the caller), before and after the switch: the
  // microphone's 1 kHz bursts both times.
  const pcm = parseWav(
    await downloadRecording({ file: String(recording.file), server: call.server }),
  );
  const switchAt = (switchedAt - recording.t) / 1000;
  // Up to the hold: the held call sends nothing.
  const end = Math.min(pcm.samples.length / pcm.sampleRate, (heldAt - recording.t) / 1000);
  expect(switchAt, 'seconds recorded before the switch').toBeGreaterThan(1.5);
  expect(end - switchAt, 'seconds recorded after the switch').toBeGreaterThan(2);
  const before = window(pcm, 0.2, switchAt - 0.2);
  const after = window(pcm, switchAt + 0.5, end - 0.2);
  expect(rms(before.samples), 'energy before the switch').toBeGreaterThan(0.01);
  expect(rms(after.samples), 'energy after the switch').toBeGreaterThan(0.01);
  expect(toneShare(before, 1000), 'the 1 kHz microphone before').toBeGreaterThan(0.5);
  expect(toneShare(after, 1000), 'the 1 kHz microphone after').toBeGreaterThan(0.5);
});
