/**
 * A call's state machines, driven through the fake SBC (test-support/fake-fake.sbc.ts): a real
 * Phone, JsSIP and WebRTC in the page, the SBC playing the far end. Our hold and its
 * rollback, the far end's hold and our hold music, DTMF and its SIP INFO fallback, and
 * keeping the call across a lost connection (recovery.ts).
 */
import { describe, expect, it } from 'vitest';
import { SILENT_HOLD_AFTER_MS } from './hold';
import type { Phone } from './phone';
import { QUALITY_INFO_TYPE } from './quality/far-end';
import { inboundAudioPackets } from './quality/stats-snapshot';
import { header, type SipMessage } from './test-support/fake-sbc';
import { useFakeSbc } from './test-support/fake-sbc-suite';
import { reach, record } from './test-support/waits';
import type { CallEventMap, CallHandle, PhoneConfig } from './types';

const fake = useFakeSbc();

/** A visitor's phone with an answered call to the SBC; the call's Call-ID. */
async function answeredCall(
  config: Partial<PhoneConfig> = {},
): Promise<{ phone: Phone; call: CallHandle; callId: string }> {
  const phone = fake.phone(config);
  const call = phone.call('echo');
  await reach(call, 'active');
  return { phone, call, callId: fake.sbc.lastCallId() };
}

/** The ICE user fragment of an SDP: it changes only with an ICE restart. */
function iceUfrag(sdp: string | undefined): string | undefined {
  return /a=ice-ufrag:(\S+)/.exec(sdp ?? '')?.[1];
}

/** The phone's re-INVITEs (in-dialog INVITEs) so far. */
function reinvites(): SipMessage[] {
  return fake.sbc.requests('INVITE').filter((m) => /;\s*tag=/.test(header(m, 'to')));
}

function audioTransceiver(call: CallHandle): RTCRtpTransceiver | undefined {
  return call.peerConnection?.getTransceivers().find((t) => t.receiver.track.kind === 'audio');
}

describe('our hold', () => {
  it('counts once the far end accepted, and resumes with the microphone back', async () => {
    const { call } = await answeredCall();
    const states = record<CallEventMap, 'state'>(call.on.bind(call), 'state');

    await call.setHold(true);
    expect(call.hold).toBe('local');
    expect(call.state).toBe('on-hold');
    expect(reinvites().at(-1)?.body).toMatch(/a=sendonly/);
    expect(audioTransceiver(call)?.sender.track).toBeNull();

    await call.setHold(false);
    expect(call.hold).toBe('none');
    expect(call.state).toBe('active');
    expect(reinvites().at(-1)?.body).toMatch(/a=sendrecv/);
    expect(audioTransceiver(call)?.sender.track?.kind).toBe('audio');
    expect(states.map(({ state, hold }) => [state, hold])).toEqual([
      ['on-hold', 'local'],
      ['active', 'none'],
    ]);
  });

  it('refused by the far end: rolled back, the call as it was, and an error says why', async () => {
    const { call } = await answeredCall();
    const states = record<CallEventMap, 'state'>(call.on.bind(call), 'state');
    const errors = record<CallEventMap, 'error'>(call.on.bind(call), 'error');
    fake.sbc.refuseReinvites = 488;

    await call.setHold(true);

    expect(call.hold).toBe('none');
    expect(call.state).toBe('active');
    expect(states).toEqual([]);
    expect(errors.map(({ code, message }) => [code, message])).toEqual([
      ['hold-failed', 'Could not hold the call: the far end answered 488 Refused.'],
    ]);
    expect(call.peerConnection?.signalingState).toBe('stable');
    expect(audioTransceiver(call)?.direction).toBe('sendrecv');
    expect(audioTransceiver(call)?.sender.track?.kind).toBe('audio');

    // The next attempt starts from a clean state.
    fake.sbc.refuseReinvites = undefined;
    await call.setHold(true);
    expect(call.hold).toBe('local');
  });
});

describe('the far end holding the call', () => {
  it('without audio (inactive): on hold, our music plays until it resumes', async () => {
    const { call, callId } = await answeredCall();
    const music = record<CallEventMap, 'hold-music'>(call.on.bind(call), 'hold-music');

    expect(await fake.sbc.reoffer(callId, 'inactive')).toBe(200);
    expect(call.hold).toBe('remote');
    expect(call.state).toBe('on-hold');
    expect(music).toEqual([{ playing: true }]);

    expect(await fake.sbc.reoffer(callId, 'sendrecv')).toBe(200);
    expect(call.hold).toBe('none');
    expect(call.state).toBe('active');
    expect(music).toEqual([{ playing: true }, { playing: false }]);
  });

  it('with its own music (sendonly): ours only once its audio stopped', async () => {
    const { call, callId } = await answeredCall();
    const music = record<CallEventMap, 'hold-music'>(call.on.bind(call), 'hold-music');

    expect(await fake.sbc.reoffer(callId, 'sendonly')).toBe(200);
    expect(call.hold).toBe('remote');
    // The far end's music plays for longer than the silence that would start ours.
    const atHold = await inboundAudioPackets(call.peerConnection);
    const packetsPerMs = 1 / 20;
    await expect
      .poll(async () => (await inboundAudioPackets(call.peerConnection)) - atHold, {
        interval: 100,
      })
      .toBeGreaterThan(2 * SILENT_HOLD_AFTER_MS * packetsPerMs);
    expect(music).toEqual([]);

    await fake.sbc.fallSilent(callId);
    const silentSince = Date.now();
    await expect.poll(() => music, { interval: 50 }).toEqual([{ playing: true }]);
    expect(Date.now() - silentSince).toBeGreaterThanOrEqual(SILENT_HOLD_AFTER_MS);

    expect(await fake.sbc.reoffer(callId, 'sendrecv')).toBe(200);
    expect(music).toEqual([{ playing: true }, { playing: false }]);
  });

  it('held by both sides: on hold until both resumed', async () => {
    const { call, callId } = await answeredCall();
    await call.setHold(true);
    await fake.sbc.reoffer(callId, 'inactive');
    expect(call.hold).toBe('both');

    await fake.sbc.reoffer(callId, 'sendrecv');
    expect(call.hold).toBe('local');
    expect(call.state).toBe('on-hold');
    await call.setHold(false);
    expect(call.state).toBe('active');
  });
});

describe('DTMF', () => {
  it('goes in the audio (RFC 4733) when the far end takes it', async () => {
    const { call } = await answeredCall();
    // Tones go in the audio once its sender can take them (DTLS up): before, `auto` sends
    // INFO (dtmf.ts), which on a loaded machine can outlast the answer.
    await expect
      .poll(() => call.peerConnection?.getSenders()[0]?.dtmf?.canInsertDTMF, { interval: 20 })
      .toBe(true);
    const tones = record<CallEventMap, 'dtmf'>(call.on.bind(call), 'dtmf');
    await call.sendDtmf('1#');
    expect(tones).toEqual([
      { tone: '1', method: 'rfc4733' },
      { tone: '#', method: 'rfc4733' },
    ]);
    expect(fake.sbc.requests('INFO')).toEqual([]);
  });

  it('falls back to SIP INFO when the far end cannot take RFC 4733', async () => {
    fake.sbc.noTelephoneEvent = true;
    const { call } = await answeredCall();
    const tones = record<CallEventMap, 'dtmf'>(call.on.bind(call), 'dtmf');
    await call.sendDtmf('5');
    expect(tones).toEqual([{ tone: '5', method: 'info' }]);
    const [info] = fake.sbc.requests('INFO');
    expect(header(info!, 'content-type')).toBe('application/dtmf-relay');
    expect(info?.body).toMatch(/^Signal=5\r\n/);
  });

  it("is refused without RFC 4733 when dtmfMode is 'rfc4733' (no fallback)", async () => {
    fake.sbc.noTelephoneEvent = true;
    const { call } = await answeredCall({ dtmfMode: 'rfc4733' });
    const errors = record<CallEventMap, 'error'>(call.on.bind(call), 'error');
    await call.sendDtmf('5');
    expect(errors.map(({ code }) => code)).toEqual(['dtmf-failed']);
    expect(fake.sbc.requests('INFO')).toEqual([]);
  });

  it('is refused before the call is connected', async () => {
    const phone = fake.phone();
    const call = phone.call('echo');
    const errors = record<CallEventMap, 'error'>(call.on.bind(call), 'error');
    await call.sendDtmf('5');
    expect(errors.map(({ message }) => message)).toEqual([
      'Digits can only be sent while the call is connected.',
    ]);
  });
});

describe('a lost connection under an answered call', () => {
  // A keepalive answer tells the region once the connection is back (see phone.ts).
  const RECONNECTS = { keepaliveIntervalMs: 60_000 };

  it('is kept as it was when its audio kept flowing: no re-INVITE', async () => {
    const { call } = await answeredCall(RECONNECTS);
    const connection = record<CallEventMap, 'connection'>(call.on.bind(call), 'connection');
    fake.sbc.dropConnections();
    await expect.poll(() => connection.length, { interval: 50 }).toBe(2);
    expect(connection[0]).toEqual({ state: 'reconnecting' });
    expect(connection[1]).toMatchObject({ state: 'recovered', how: 'media-kept', region: 'test' });
    expect(call.reconnecting).toBe(false);
    // One re-INVITE from the new connection, the media as it was: the SBC learns where the
    // call is now (without it, the far end's BYE would go to the dropped connection).
    await expect.poll(() => reinvites().length).toBe(1);
    const [refresh] = reinvites();
    expect(refresh?.body).toMatch(/a=sendrecv/);
    expect(iceUfrag(refresh?.body)).toBe(iceUfrag(fake.sbc.requests('INVITE')[0]?.body));
    expect(call.state).toBe('active');
  });

  it('moves its media with an ICE restart when its audio stopped', async () => {
    const { call, callId } = await answeredCall(RECONNECTS);
    const connection = record<CallEventMap, 'connection'>(call.on.bind(call), 'connection');
    await fake.sbc.fallSilent(callId);
    fake.sbc.dropConnections();
    await expect.poll(() => connection.length, { interval: 50 }).toBe(2);
    expect(connection[1]).toMatchObject({ state: 'recovered', how: 'ice-restart' });
    const ufrag = (m: SipMessage | undefined) => /a=ice-ufrag:(\S+)/.exec(m?.body ?? '')?.[1];
    const [first] = fake.sbc.requests('INVITE');
    expect(reinvites()).toHaveLength(1);
    expect(ufrag(reinvites()[0])).not.toBe(ufrag(first));
    expect(call.state).toBe('active');
  });

  it('on hold (silence proves nothing): ICE restart, and still on hold after', async () => {
    const { call } = await answeredCall(RECONNECTS);
    await call.setHold(true);
    const connection = record<CallEventMap, 'connection'>(call.on.bind(call), 'connection');
    fake.sbc.dropConnections();
    await expect.poll(() => connection.length, { interval: 50 }).toBe(2);
    expect(connection[1]).toMatchObject({ state: 'recovered', how: 'ice-restart' });
    expect(reinvites().at(-1)?.body).toMatch(/a=sendonly/);
    expect(call.hold).toBe('local');
  });

  it("ends as lost, with the server's status, when its re-INVITE is refused", async () => {
    const { call, callId } = await answeredCall(RECONNECTS);
    const ended = new Promise<CallEventMap['ended']>((resolve) => call.on('ended', resolve));
    await fake.sbc.fallSilent(callId);
    fake.sbc.refuseReinvites = 503;
    fake.sbc.dropConnections();
    expect(await ended).toEqual({
      cause: 'connection-lost',
      message:
        "The call was lost: the server refused the call's re-INVITE after reconnecting (SIP 503).",
      sipStatus: 503,
    });
  });

  it('keeps its quality report while the connection is away and sends it once back', async () => {
    const { call, callId } = await answeredCall({ ...RECONNECTS, statsIntervalMs: 100 });
    const qualityInfos = () =>
      fake.sbc
        .requests('INFO')
        .filter((m) => header(m, 'content-type') === QUALITY_INFO_TYPE)
        .map((m) => JSON.parse(m.body) as { warnings: string[] });
    // Rated both ways: the far end is told (its first report).
    await expect.poll(() => qualityInfos().length, { interval: 50 }).toBe(1);
    const connection = record<CallEventMap, 'connection'>(call.on.bind(call), 'connection');
    const warnings = record<CallEventMap, 'quality-warning'>(call.on.bind(call), 'quality-warning');
    fake.sbc.refuseConnections = true;
    fake.sbc.dropConnections();
    await expect.poll(() => connection.length, { interval: 50 }).toBe(1);
    // A warning rises while away: an INFO now would make JsSIP end the call.
    await fake.sbc.fallSilent(callId);
    await expect
      .poll(() => warnings.filter((w) => w.raised).length, { interval: 50 })
      .toBeGreaterThan(0);
    expect(call.state).toBe('active');
    expect(qualityInfos()).toHaveLength(1);
    fake.sbc.refuseConnections = false;
    await expect.poll(() => connection.length, { interval: 50 }).toBe(2);
    expect(connection[1]).toMatchObject({ state: 'recovered' });
    await expect.poll(() => qualityInfos().length, { interval: 50 }).toBe(2);
    const raised = warnings.filter((w) => w.raised).map((w) => w.warning);
    expect(qualityInfos()[1]?.warnings).toEqual(expect.arrayContaining(raised));
    expect(call.state).toBe('active');
  });

  it('ends as lost when the connection does not come back in time', async () => {
    const { call } = await answeredCall({ ...RECONNECTS, callRecoveryTimeoutMs: 1000 });
    const connection = record<CallEventMap, 'connection'>(call.on.bind(call), 'connection');
    const ended = new Promise<CallEventMap['ended']>((resolve) => call.on('ended', resolve));
    fake.sbc.refuseConnections = true;
    fake.sbc.dropConnections();
    expect(await ended).toEqual({
      cause: 'connection-lost',
      message: 'The call was lost: the connection did not come back within 1 s.',
    });
    expect(connection).toEqual([{ state: 'reconnecting' }, { state: 'failed' }]);
  });
});
