/**
 * Several calls at once (`maxCalls`), driven through the fake SBC (test-support/fake-fake.sbc.ts):
 * a call arriving during another rings as call waiting, and one call has the line at a
 * time: answering, placing or resuming a call holds the others first.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Phone } from './phone';
import { header, type SipMessage } from './test-support/fake-sbc';
import { useFakeSbc } from './test-support/fake-sbc-suite';
import { reach } from './test-support/waits';
import type { CallHandle, PhoneConfig } from './types';

const fake = useFakeSbc();
/** The sound files the phone started, and stopped, in order. */
let played: string[];
let stopped: string[];

beforeEach(() => {
  played = [];
  stopped = [];
  vi.spyOn(HTMLMediaElement.prototype, 'pause').mockImplementation(function (
    this: HTMLMediaElement,
  ) {
    if (this.src) stopped.push(new URL(this.src).pathname);
  });
  vi.spyOn(HTMLMediaElement.prototype, 'play').mockImplementation(function (
    this: HTMLMediaElement,
  ) {
    if (this.src) played.push(new URL(this.src).pathname);
    return Promise.resolve();
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** A registered agent taking up to `maxCalls` calls, with sounds to tell apart. */
async function agent(config: Partial<PhoneConfig> = {}): Promise<Phone> {
  const phone = fake.phone({
    user: 'agent1',
    register: true,
    ringtoneUrl: '/ringtone.wav',
    callWaitingUrl: '/call-waiting.wav',
    maxCalls: 2,
    ...config,
  });
  await phone.start();
  return phone;
}

/** The SBC calls the agent; resolves with the ringing call and the INVITE's final status. */
async function ring(phone: Phone): Promise<Ringing> {
  const before = phone.calls.length;
  const { callId, final } = await fake.sbc.ring('agent1');
  await expect.poll(() => phone.calls.length).toBe(before + 1);
  return { call: phone.calls.at(-1) as CallHandle, callId, final };
}

interface Ringing {
  call: CallHandle;
  callId: string;
  final: Promise<number>;
}

/** The SBC calls the agent and the agent answers; resolves once the call is active. */
async function answered(phone: Phone): Promise<Ringing> {
  const call = await ring(phone);
  await call.call.answer();
  await reach(call.call, 'active');
  return call;
}

/** The phone's re-INVITEs within the dialog `callId`. */
function reinvites(callId: string): SipMessage[] {
  return fake.sbc
    .requests('INVITE')
    .filter((m) => header(m, 'call-id') === callId && /;\s*tag=/.test(header(m, 'to')));
}

describe('call waiting', () => {
  it('a call during another rings with the call-waiting tone, not the ringtone', async () => {
    const phone = await agent();
    const first = await ring(phone);
    expect(played.at(-1)).toBe('/ringtone.wav');
    await first.call.answer();
    await reach(first.call, 'active');

    const second = await ring(phone);
    expect(second.call.state).toBe('ringing');
    await expect.poll(() => played.at(-1)).toBe('/call-waiting.wav');
    expect(played.filter((file) => file === '/ringtone.wav')).toHaveLength(1);
  });

  it('answering the waiting call holds the first, then answers', async () => {
    const phone = await agent();
    const first = await answered(phone);
    const second = await ring(phone);

    await second.call.answer();
    await reach(second.call, 'active');
    expect(await second.final).toBe(200);
    expect(first.call.hold).toBe('local');
    expect(first.call.state).toBe('on-hold');
    expect(reinvites(first.callId).at(-1)?.body).toMatch(/a=sendonly/);
    expect(phone.calls).toEqual([first.call, second.call]);
  });

  it('resuming the held call holds the other one first (swap)', async () => {
    const phone = await agent();
    const first = await answered(phone);
    const second = await answered(phone);

    await first.call.setHold(false);

    expect(first.call.state).toBe('active');
    expect(second.call.hold).toBe('local');
    expect(reinvites(second.callId).at(-1)?.body).toMatch(/a=sendonly/);
    expect(reinvites(first.callId).at(-1)?.body).toMatch(/a=sendrecv/);
    // Hold before resume: never two calls hearing the agent at once.
    const order = fake.sbc
      .requests('INVITE')
      .map((m) => `${header(m, 'call-id')} ${m.body.match(/a=(sendonly|sendrecv)/)?.[1]}`);
    expect(order.lastIndexOf(`${second.callId} sendonly`)).toBeLessThan(
      order.lastIndexOf(`${first.callId} sendrecv`),
    );
  });

  it('hanging up one call leaves the other as it was', async () => {
    const phone = await agent();
    const first = await answered(phone);
    const second = await answered(phone);

    second.call.hangup();
    await reach(second.call, 'ended');

    expect(phone.calls).toEqual([first.call]);
    expect(first.call.state).toBe('on-hold');
    await first.call.setHold(false);
    expect(first.call.state).toBe('active');
  });

  it('a call beyond maxCalls gets 486 Busy Here', async () => {
    const phone = await agent();
    await answered(phone);
    await ring(phone);

    const third = await fake.sbc.ring('agent1');

    expect(await third.final).toBe(486);
    expect(phone.calls).toHaveLength(2);
  });

  it('declining the waiting call stops the tone and leaves the first call talking', async () => {
    const phone = await agent();
    const first = await answered(phone);
    const second = await ring(phone);

    await expect.poll(() => played.at(-1)).toBe('/call-waiting.wav');
    second.call.reject();

    expect(await second.final).toBe(603);
    expect(stopped.at(-1)).toBe('/call-waiting.wav');
    expect(first.call.state).toBe('active');
    expect(reinvites(first.callId)).toEqual([]);
  });
});

describe('placing a call during another', () => {
  it('holds the answered call before the new INVITE goes out', async () => {
    const phone = await agent();
    const first = await answered(phone);

    const second = phone.call('echo');
    await reach(second, 'active');

    expect(first.call.hold).toBe('local');
    const invites = fake.sbc.requests('INVITE').map((m) => header(m, 'call-id'));
    const holdAt = invites.lastIndexOf(first.callId);
    const newCallAt = invites.indexOf(fake.sbc.lastCallId());
    expect(holdAt).toBeLessThan(newCallAt);
  });

  it('with maxCalls 1, fails at once and leaves the call alone', async () => {
    const phone = await agent({ maxCalls: 1 });
    const first = await answered(phone);

    const second = phone.call('echo');
    await reach(second, 'ended');

    expect(first.call.state).toBe('active');
    expect(reinvites(first.callId)).toEqual([]);
  });
});
