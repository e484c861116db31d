/**
 * Hot-swap of the microphone during a call (phone-devices.ts, call.ts `useMicrophone`,
 * microphone-swap.ts): a real Phone, JsSIP and WebRTC against the fake SBC, with a fake
 * `mediaDevices` that fires `devicechange`. The new microphone goes out with
 * `replaceTrack`, never a re-INVITE; mute and hold survive the swap; an unplugged
 * microphone falls back to the default and the call goes on.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEVICES_STORAGE_KEY } from './media-devices';
import type { Phone } from './phone';
import { FakeMediaDevices, HEADSET_MIC, laptopDevices } from './test-support/fake-media-devices';
import { header, type SipMessage } from './test-support/fake-sbc';
import { useFakeSbc } from './test-support/fake-sbc-suite';
import { reach, record } from './test-support/waits';
import type { CallHandle, PhoneConfig, PhoneEventMap } from './types';

const fake = useFakeSbc();
let media: FakeMediaDevices;
let uninstall: () => void;

beforeEach(() => {
  localStorage.removeItem(DEVICES_STORAGE_KEY);
  media = new FakeMediaDevices(laptopDevices());
  uninstall = media.install();
});

afterEach(() => {
  uninstall();
  localStorage.removeItem(DEVICES_STORAGE_KEY);
  vi.restoreAllMocks();
});

/** The phone's re-INVITEs (in-dialog INVITEs) so far. */
function reinvites(): SipMessage[] {
  return fake.sbc.requests('INVITE').filter((m) => /;\s*tag=/.test(header(m, 'to')));
}

function sender(call: CallHandle): RTCRtpSender | undefined {
  return call.peerConnection?.getTransceivers().find((t) => t.receiver.track.kind === 'audio')
    ?.sender;
}

async function answeredCall(config: Partial<PhoneConfig> = {}) {
  const phone: Phone = fake.phone(config);
  await expect.poll(() => phone.devices.inputs.length).toBe(1);
  const call = phone.call('echo');
  await reach(call, 'active');
  const firstTrack = sender(call)?.track;
  expect(firstTrack?.readyState).toBe('live');
  const replaced = vi.spyOn(RTCRtpSender.prototype, 'replaceTrack');
  const devices = record<PhoneEventMap, 'devices'>(phone.on.bind(phone), 'devices');
  return { phone, call, firstTrack: firstTrack!, replaced, devices };
}

describe('a headset plugged in during a call', () => {
  it('is taken: the call sends it through replaceTrack, no re-INVITE, and stays muted', async () => {
    const { phone, call, firstTrack, replaced, devices } = await answeredCall();
    call.setMuted(true);
    const invitesBefore = reinvites().length;

    media.plug(HEADSET_MIC);

    await expect.poll(() => sender(call)?.track !== firstTrack).toBe(true);
    expect(media.requested.at(-1)).toBe('mic-headset');
    expect(replaced).toHaveBeenCalledTimes(1);
    expect(firstTrack.readyState).toBe('ended');
    const track = sender(call)?.track;
    expect(track?.readyState).toBe('live');
    // Mute survives: the new track is off, and the call still says muted.
    expect(track?.enabled).toBe(false);
    expect(call.muted).toBe(true);
    expect(call.state).toBe('active');
    expect(reinvites()).toHaveLength(invitesBefore);
    expect(phone.devices.microphone).toBe('mic-headset');
    expect(devices.at(-1)?.notices).toMatchObject([
      { type: 'connected', device: { label: 'USB Headset Microphone' }, taken: ['microphone'] },
    ]);

    call.setMuted(false);
    expect(sender(call)?.track?.enabled).toBe(true);
  });

  it('is only offered with auto-switch off: the call keeps its microphone', async () => {
    const { phone, call, firstTrack, replaced, devices } = await answeredCall({
      autoSwitchDevices: false,
    });
    media.plug(HEADSET_MIC);
    await expect.poll(() => devices.length).toBe(1);
    expect(devices[0]?.notices).toMatchObject([{ type: 'connected', taken: [] }]);
    expect(phone.devices.microphone).toBeUndefined();
    expect(sender(call)?.track).toBe(firstTrack);
    expect(replaced).not.toHaveBeenCalled();
  });
});

describe('the microphone in use unplugged during a call', () => {
  it('falls back to the default microphone; the call goes on without renegotiation', async () => {
    media.devices = [...laptopDevices(), HEADSET_MIC];
    const phone = fake.phone();
    await expect.poll(() => phone.devices.inputs.length).toBe(2);
    expect(await phone.setDevices({ microphone: 'mic-headset' })).toBeUndefined();
    const call = phone.call('echo');
    await reach(call, 'active');
    expect(media.requested).toEqual(['mic-headset']);
    const headsetTrack = sender(call)?.track;
    const invitesBefore = reinvites().length;
    const devices = record<PhoneEventMap, 'devices'>(phone.on.bind(phone), 'devices');

    media.unplug('mic-headset');

    await expect.poll(() => sender(call)?.track !== headsetTrack).toBe(true);
    expect(media.requested.at(-1)).toBeUndefined();
    expect(sender(call)?.track?.readyState).toBe('live');
    expect(call.state).toBe('active');
    expect(reinvites()).toHaveLength(invitesBefore);
    expect(phone.devices.microphone).toBeUndefined();
    expect(devices.at(-1)?.notices).toMatchObject([
      { type: 'unplugged', device: { label: 'USB Headset Microphone' }, roles: ['microphone'] },
    ]);
  });

  it('a held call stays held (sending nothing) and resumes with the new microphone', async () => {
    const { call, firstTrack } = await answeredCall();
    await call.setHold(true);
    expect(sender(call)?.track).toBeNull();
    const invitesBefore = reinvites().length;

    media.plug(HEADSET_MIC);
    await expect.poll(() => firstTrack.readyState).toBe('ended');
    expect(sender(call)?.track).toBeNull();
    expect(call.hold).toBe('local');
    expect(reinvites()).toHaveLength(invitesBefore);

    await call.setHold(false);
    const track = sender(call)?.track;
    expect(track?.readyState).toBe('live');
    expect(track).not.toBe(firstTrack);
  });
});

describe('choosing from the engine', () => {
  it('a new call uses the chosen microphone; an unknown id is refused and changes nothing', async () => {
    media.devices = [...laptopDevices(), HEADSET_MIC];
    const phone = fake.phone();
    const errors = record<PhoneEventMap, 'error'>(phone.on.bind(phone), 'error');
    expect(await phone.setDevices({ microphone: 'mic-headset' })).toBeUndefined();
    const refused = await phone.setDevices({ microphone: 'unplugged-long-ago' });
    expect(refused).toEqual({
      code: 'device-invalid',
      message: "There is no microphone with the id 'unplugged-long-ago'.",
    });
    expect(errors).toEqual([refused]);
    expect(phone.devices.microphone).toBe('mic-headset');

    const call = phone.call('echo');
    await reach(call, 'active');
    expect(media.requested).toEqual(['mic-headset']);
  });

  it('a chosen microphone gone before the call: the default is used instead', async () => {
    localStorage.setItem(
      DEVICES_STORAGE_KEY,
      JSON.stringify({ microphone: { id: 'mic-headset', label: 'USB Headset Microphone' } }),
    );
    media.devices = [...laptopDevices(), HEADSET_MIC];
    const phone = fake.phone();
    await expect.poll(() => phone.devices.microphone).toBe('mic-headset');
    // Unplugged between the list and the call: getUserMedia refuses the exact id.
    media.devices = laptopDevices();
    const call = phone.call('echo');
    await reach(call, 'active');
    expect(media.requested).toEqual(['mic-headset', undefined]);
  });
});
