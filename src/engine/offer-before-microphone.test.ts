/**
 * The offer sent without waiting for the microphone (offer-before-microphone.ts), through
 * the fake SBC: a real Phone, JsSIP and WebRTC in the page, the microphone opening (or
 * failing) when the test says. This browser runs with `--use-fake-ui-for-media-stream`,
 * so the microphone permission reads `granted`, as for a visitor who allowed it before.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Call } from './call';
import { microphoneError } from './media';
import type { Phone } from './phone';
import { digestUser, header } from './test-support/fake-sbc';
import { useFakeSbc } from './test-support/fake-sbc-suite';
import { type GatedMicrophone, gateMicrophone } from './test-support/gated-microphone';
import { reach, record } from './test-support/waits';
import type { CallEventMap, CallHandle, PhoneEventMap } from './types';

const fake = useFakeSbc();

afterEach(() => {
  vi.restoreAllMocks();
});

function audioSender(call: CallHandle): RTCRtpSender | undefined {
  return call.peerConnection
    ?.getTransceivers()
    .find((t) => t.receiver.track.kind === 'audio' && t.direction !== 'stopped')?.sender;
}

/**
 * The SDP of the INVITEs that opened a call: not re-INVITEs, and each once (the SBC
 * challenges the first try, JsSIP sends it again with credentials).
 */
function initialOffers(): string[] {
  return fake.sbc
    .requests('INVITE')
    .filter((m) => !/;\s*tag=/.test(header(m, 'to')) && digestUser(m) !== undefined)
    .map((m) => m.body);
}

/** The offer's audio: its m= line's formats and their rtpmap lines (the codecs). */
function audioCodecs(sdp: string): string[] {
  const formats = /^m=audio \d+ \S+ (.*)$/m.exec(sdp)?.[1] ?? '';
  return [formats, ...(sdp.match(/^a=rtpmap:.*$/gm) ?? [])];
}

/** The stream id of the offer's audio (`a=msid:<stream> <track>`). */
function offeredStream(sdp: string): string | undefined {
  return /^a=msid:(\S+) /m.exec(sdp)?.[1];
}

/** A visitor's call placed while the microphone is held at the gate; resolves once its INVITE left. */
async function callBeforeMicrophone(): Promise<{
  phone: Phone;
  call: CallHandle;
  microphone: GatedMicrophone;
}> {
  const microphone = gateMicrophone();
  const phone = fake.phone();
  const call = phone.call('echo');
  await expect.poll(() => initialOffers().length).toBe(1);
  return { phone, call, microphone };
}

describe('with the microphone permission granted', () => {
  it('the INVITE leaves before the microphone opens, which is then sent without a re-INVITE', async () => {
    const { call, microphone } = await callBeforeMicrophone();

    expect(microphone.waiting).toBe(1);
    const offer = initialOffers()[0] ?? '';
    expect(offer).toMatch(/^a=sendrecv/m);
    expect(audioSender(call)?.track).toBeNull();

    microphone.open();
    await expect.poll(() => audioSender(call)?.track?.id).toBeDefined();
    const stream = microphone.opened[0];
    expect(audioSender(call)?.track).toBe(stream?.getAudioTracks()[0]);
    await reach(call, 'active');
    // Our audio goes out: the SBC's side of the call receives it.
    await expect
      .poll(async () => {
        const stats = await call.peerConnection?.getStats();
        return [...(stats?.values() ?? [])].some(
          (s: { type: string; kind?: string; packetsSent?: number }) =>
            s.type === 'outbound-rtp' && s.kind === 'audio' && (s.packetsSent ?? 0) > 0,
        );
      })
      .toBe(true);
    // No re-INVITE: the track went on the sender that was offered.
    expect(fake.sbc.requests('INVITE').filter((m) => /;\s*tag=/.test(header(m, 'to')))).toEqual([]);
  });

  it('offers the same codecs as an offer made with the microphone open', async () => {
    const { call, microphone } = await callBeforeMicrophone();
    microphone.open();
    await reach(call, 'active');
    call.hangup();
    await reach(call, 'ended');
    vi.restoreAllMocks();
    // The microphone already open when the call is placed: the offer carries its track.
    const permissions = vi.spyOn(navigator.permissions, 'query');
    permissions.mockResolvedValue({ state: 'prompt' } as PermissionStatus);
    const second = fake.phone().call('echo');
    await reach(second, 'active');

    const [late = '', withTrack = ''] = initialOffers();
    expect(offeredStream(withTrack)).not.toBe(offeredStream(late));
    expect(audioCodecs(late)).toEqual(audioCodecs(withTrack));
    expect(withTrack).toMatch(/^a=sendrecv/m);
  });

  it('a call muted before its microphone opened gets it muted', async () => {
    const { call, microphone } = await callBeforeMicrophone();
    call.setMuted(true);
    microphone.open();
    await expect.poll(() => audioSender(call)?.track?.enabled).toBe(false);
    call.setMuted(false);
    expect(audioSender(call)?.track?.enabled).toBe(true);
  });

  it('a microphone chosen while the first one opened takes its place after it', async () => {
    const { call, microphone } = await callBeforeMicrophone();
    // What the phone does for each call when the agent picks a microphone (phone-devices.ts);
    // Chromium's fake capture device is also listed as 'default'.
    const swapped = (call as Call).useMicrophone('default');
    microphone.open();
    await expect.poll(() => microphone.opened.length).toBe(1);
    await expect.poll(() => microphone.waiting).toBe(1);
    microphone.open();
    await swapped;

    const [first, second] = microphone.opened;
    expect(audioSender(call)?.track).toBe(second?.getAudioTracks()[0]);
    expect(first?.getAudioTracks()[0]?.readyState).toBe('ended');
  });

  it('a hold asked before the microphone opened waits for it, and the resume sends it', async () => {
    const { call, microphone } = await callBeforeMicrophone();
    await reach(call, 'active');
    const held = call.setHold(true);
    microphone.open();
    await held;
    expect(call.hold).toBe('local');
    expect(audioSender(call)?.track).toBeNull();
    await call.setHold(false);
    expect(audioSender(call)?.track).toBe(microphone.opened[0]?.getAudioTracks()[0]);
  });
});

describe('the microphone fails after the INVITE left', () => {
  it('before the answer: CANCEL, and the call ends as it would have without the INVITE', async () => {
    fake.sbc.ringOnly = true;
    const { phone, call, microphone } = await callBeforeMicrophone();
    const callErrors = record<CallEventMap, 'error'>(call.on.bind(call), 'error');
    const phoneErrors = record<PhoneEventMap, 'error'>(phone.on.bind(phone), 'error');
    const ended = record<CallEventMap, 'ended'>(call.on.bind(call), 'ended');
    await reach(call, 'ringing');

    microphone.fail('NotAllowedError');

    await reach(call, 'ended');
    const expected = microphoneError(new DOMException('', 'NotAllowedError'));
    expect(ended.map(({ cause, message }) => [cause, message])).toEqual([
      ['microphone', expected.message],
    ]);
    expect(callErrors.map(({ code }) => code)).toEqual(['microphone-denied']);
    expect(phoneErrors.map(({ code }) => code)).toEqual(['microphone-denied']);
    await expect.poll(() => fake.sbc.requests('CANCEL').length).toBe(1);
    expect(fake.sbc.requests('BYE')).toHaveLength(0);
    expect(phone.calls).toEqual([]);
  });

  it('after the answer: BYE, with the missing microphone as the cause', async () => {
    const { phone, call, microphone } = await callBeforeMicrophone();
    const ended = record<CallEventMap, 'ended'>(call.on.bind(call), 'ended');
    await reach(call, 'active');

    microphone.fail('NotReadableError');

    await reach(call, 'ended');
    const expected = microphoneError(new DOMException('', 'NotReadableError'));
    expect(expected.code).toBe('microphone-missing');
    expect(ended.map(({ cause, message }) => [cause, message])).toEqual([
      ['microphone', expected.message],
    ]);
    await expect.poll(() => fake.sbc.requests('BYE').length).toBe(1);
    expect(phone.calls).toEqual([]);
  });
});

describe('the call ends before its microphone opened', () => {
  const isStopped = (stream: MediaStream | undefined) =>
    stream?.getAudioTracks().every((track) => track.readyState === 'ended');

  it('hung up while ringing: the microphone, once open, is stopped at once', async () => {
    fake.sbc.ringOnly = true;
    const { call, microphone } = await callBeforeMicrophone();
    await reach(call, 'ringing');
    call.hangup();
    await reach(call, 'ended');
    await expect.poll(() => fake.sbc.requests('CANCEL').length).toBe(1);

    microphone.open();

    await expect.poll(() => microphone.opened.length).toBe(1);
    await expect.poll(() => isStopped(microphone.opened[0])).toBe(true);
  });

  it('refused by the far end: the microphone, once open, is stopped at once', async () => {
    fake.sbc.refuseAllInvites = 403;
    const { call, microphone } = await callBeforeMicrophone();
    await reach(call, 'ended');

    microphone.open();

    await expect.poll(() => microphone.opened.length).toBe(1);
    await expect.poll(() => isStopped(microphone.opened[0])).toBe(true);
  });
});

describe('without a granted permission, the offer waits for the microphone as before', () => {
  const cases: [string, () => void][] = [
    [
      'prompt',
      () =>
        vi
          .spyOn(navigator.permissions, 'query')
          .mockResolvedValue({ state: 'prompt' } as PermissionStatus),
    ],
    [
      'denied',
      () =>
        vi
          .spyOn(navigator.permissions, 'query')
          .mockResolvedValue({ state: 'denied' } as PermissionStatus),
    ],
    [
      'a query that throws',
      () =>
        vi
          .spyOn(navigator.permissions, 'query')
          .mockRejectedValue(new TypeError('not a permission name')),
    ],
    [
      'no Permissions API',
      () => vi.spyOn(navigator, 'permissions', 'get').mockReturnValue(undefined as never),
    ],
  ];
  it.each(cases)('%s: the INVITE offers the opened microphone', async (_, stub) => {
    stub();
    const microphone = gateMicrophone();
    const call = fake.phone().call('echo');
    await expect.poll(() => microphone.waiting).toBe(1);

    microphone.open();

    await reach(call, 'active');
    const stream = microphone.opened[0];
    expect(offeredStream(initialOffers()[0] ?? '')).toBe(stream?.id);
    expect(audioSender(call)?.track).toBe(stream?.getAudioTracks()[0]);
  });
});
