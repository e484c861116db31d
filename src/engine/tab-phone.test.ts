/**
 * The tab election and the mirror, with real Web Locks and BroadcastChannels: each
 * TabPhone here stands for a tab (the browser shares both across documents of an origin
 * as it does between objects of one document). The owner's phone is a fake; the real
 * phone across real tabs is journey 25.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TabPhone } from './tab-phone';
import { OWNER_GONE } from './tabs/mirror-phone';
import { sharedInstanceId } from './tabs/shared-identity';
import { FakePhone } from './test-support/fake-phone';
import { record } from './test-support/waits';
import type { CallEventMap, CallHandle, PhoneConfig, PhoneEventMap, TabRole } from './types';

/** The fake phone, registering on start and ending its calls on stop as the real one does. */
class OwnedPhone extends FakePhone {
  override async start(): Promise<void> {
    await super.start();
    this.setRegistration('registered');
  }
  override async stop(): Promise<void> {
    await super.stop();
    for (const call of this.calls) if (call.state !== 'ended') call.end('hangup-local');
    this.setRegistration('unregistered');
  }
}

let user = 0;
const tabs: TabPhone[] = [];
const owned: OwnedPhone[] = [];

/** Opens a "tab" for the test's user; `fresh` starts a new user (a new election). */
function openTab(fresh = false, extra: Partial<PhoneConfig> = {}): TabPhone {
  if (fresh) user += 1;
  const config: PhoneConfig = {
    servers: ['wss://sbc.test'],
    domain: 'tabs.test',
    user: `agent${user}`,
    password: 'secret',
    singleTab: true,
    ...extra,
  };
  const tab = new TabPhone(config, (c) => {
    const phone = new OwnedPhone(c);
    owned.push(phone);
    return phone;
  });
  tabs.push(tab);
  return tab;
}

async function roleOf(tab: TabPhone, role: TabRole): Promise<void> {
  await expect.poll(() => tab.tabRole, { interval: 10 }).toBe(role);
}

/** Two tabs started, the first the owner, the second mirroring it as `registered`. */
async function ownerAndFollower(): Promise<[TabPhone, TabPhone, OwnedPhone]> {
  const owner = openTab(true);
  await owner.start();
  await roleOf(owner, 'owner');
  const follower = openTab();
  void follower.start();
  await roleOf(follower, 'follower');
  await expect.poll(() => follower.state, { interval: 10 }).toBe('registered');
  return [owner, follower, only(owned)];
}

function only<T>(items: T[]): T {
  expect(items).toHaveLength(1);
  return items[0]!;
}

function incomingOn(tab: TabPhone): PhoneEventMap['incoming'][] {
  return record<PhoneEventMap, 'incoming'>((e, h) => tab.on(e, h), 'incoming');
}

afterEach(async () => {
  await Promise.all(tabs.splice(0).map((tab) => tab.stop()));
  owned.length = 0;
  FakePhone.instances.length = 0;
});

describe('TabPhone', () => {
  it('elects one owner: only it creates a phone and registers; the other mirrors its state', async () => {
    const [owner, follower, phone] = await ownerAndFollower();
    expect(owner.tabRole).toBe('owner');
    expect(phone.commands).toEqual(['start']);
    expect(owner.state).toBe('registered');
    // The follower started too: the owner's phone registered once, for both.
    expect(follower.state).toBe('registered');
    expect(owned).toHaveLength(1);
  });

  it('a call rings in every tab, once; answered from a follower, the owner answers it', async () => {
    const [owner, follower, phone] = await ownerAndFollower();
    const seenByOwner = incomingOn(owner);
    const seenByFollower = incomingOn(follower);
    const ringing = phone.ring({
      uri: 'sip:visitor-1@tabs.test',
      user: 'visitor-1',
      displayName: 'Ana',
    });

    await expect.poll(() => seenByFollower.length, { interval: 10 }).toBe(1);
    expect(seenByOwner).toHaveLength(1);
    const mirrored = seenByFollower[0]!.call;
    expect(mirrored.id).toBe(ringing.id);
    expect(mirrored.remote.displayName).toBe('Ana');
    expect(mirrored.state).toBe('ringing');
    // The peer connection is in the owner tab only.
    expect(mirrored.peerConnection).toBeUndefined();

    await mirrored.answer();
    expect(ringing.state).toBe('active');
    await expect.poll(() => mirrored.state, { interval: 10 }).toBe('active');
    expect(seenByOwner[0]!.call.state).toBe('active');
    expect(seenByFollower).toHaveLength(1);
  });

  it('a follower places, mutes, holds, sends DTMF and hangs up through the owner', async () => {
    const [, follower, phone] = await ownerAndFollower();
    const call = follower.call('agent7');
    expect(call.state).toBe('connecting');
    await expect.poll(() => phone.calls.length, { interval: 10 }).toBe(1);
    const real = phone.calls[0]!;
    await expect.poll(() => call.id, { interval: 10 }).toBe(real.id);
    expect(phone.commands).toContain('call agent7');

    real.setState('active');
    await expect.poll(() => call.state, { interval: 10 }).toBe('active');
    call.setMuted(true);
    await expect.poll(() => call.muted, { interval: 10 }).toBe(true);
    await call.setHold(true);
    expect(real.holdRequests).toEqual([true]);
    await call.sendDtmf('12#');
    expect(real.sentDtmf).toEqual(['12#']);

    const ended = record<CallEventMap, 'ended'>((e, h) => call.on(e, h), 'ended');
    call.hangup();
    await expect.poll(() => ended.length, { interval: 10 }).toBe(1);
    expect(ended[0]?.cause).toBe('hangup-local');
    expect(real.endCause).toBe('hangup-local');
  });

  it('an attended transfer from a follower names the consultation by its call', async () => {
    const [, follower, phone] = await ownerAndFollower();
    const held = follower.call('visitor');
    const consultation = follower.call('agent2');
    await expect.poll(() => phone.calls.length, { interval: 10 }).toBe(2);
    await expect.poll(() => consultation.id, { interval: 10 }).toBe(phone.calls[1]!.id);
    const step = await held.transfer(consultation);
    expect(step.state).toBe('trying');
    expect(phone.calls[0]!.transfers).toEqual([`call:${phone.calls[1]!.id}`]);
  });

  it('a tab opened during a call shows the call', async () => {
    const [, , phone] = await ownerAndFollower();
    const live = phone.ring({ uri: 'sip:v@tabs.test', user: 'v', displayName: '' });
    await live.answer();
    const late = openTab();
    const calls = record<PhoneEventMap, 'call'>((e, h) => late.on(e, h), 'call');
    await roleOf(late, 'follower');
    await expect.poll(() => calls.length, { interval: 10 }).toBe(1);
    expect(calls[0]!.call.id).toBe(live.id);
    expect(calls[0]!.call.state).toBe('active');
  });

  it('when the owner leaves, a follower takes over: its phone registers, the old calls end', async () => {
    const [owner, follower, phone] = await ownerAndFollower();
    const mirrored = firstCall(follower);
    phone.ring({ uri: 'sip:v@tabs.test', user: 'v', displayName: '' });
    const call = await mirrored;
    const endings = record<CallEventMap, 'ended'>((e, h) => call.on(e, h), 'ended');

    await owner.stop();
    await roleOf(follower, 'owner');
    expect(owned).toHaveLength(2);
    await expect.poll(() => follower.state, { interval: 10 }).toBe('registered');
    expect(owned[1]!.commands).toEqual(['start']);
    // Ended once: by the owner's hang-up, or as gone if the lock came before that word.
    await expect.poll(() => endings.length, { interval: 10 }).toBe(1);
    expect(['hangup-local', OWNER_GONE.cause]).toContain(endings[0]!.cause);
    expect(call.state).toBe('ended');
  });

  it('a mirrored call the owner never ended (its tab crashed) ends as lost on takeover', async () => {
    const [owner, follower, phone] = await ownerAndFollower();
    const mirrored = firstCall(follower);
    phone.ring({ uri: 'sip:v@tabs.test', user: 'v', displayName: '' });
    const call = await mirrored;
    const endings = record<CallEventMap, 'ended'>((e, h) => call.on(e, h), 'ended');
    // A crash: the owner's phone says nothing more; only its lock goes.
    phone.stop = async () => {};
    await owner.stop();
    await roleOf(follower, 'owner');
    await expect.poll(() => endings.length, { interval: 10 }).toBe(1);
    expect(endings[0]).toEqual(OWNER_GONE);
  });

  it('with three tabs, exactly one takes over from the owner', async () => {
    const [owner, second] = await ownerAndFollower();
    const third = openTab();
    void third.start();
    await roleOf(third, 'follower');
    await owner.stop();
    await expect
      .poll(() => [second.tabRole, third.tabRole].filter((r) => r === 'owner').length, {
        interval: 10,
      })
      .toBe(1);
    const [next, other] = second.tabRole === 'owner' ? [second, third] : [third, second];
    await expect.poll(() => other.state, { interval: 10 }).toBe('registered');
    expect(next.state).toBe('registered');
    expect(owned.filter((phone) => phone.commands.includes('start'))).toHaveLength(2);
  });

  it("the agent's Away survives the takeover", async () => {
    const [owner, follower, phone] = await ownerAndFollower();
    follower.setAvailability('away');
    await expect.poll(() => phone.availability, { interval: 10 }).toBe('away');
    await expect.poll(() => follower.availability, { interval: 10 }).toBe('away');
    await owner.stop();
    await roleOf(follower, 'owner');
    expect(owned[1]!.config.availability).toBe('away');
  });

  it("a follower shows the owner's devices and chooses them through it", async () => {
    const [, follower, phone] = await ownerAndFollower();
    expect(follower.devices.inputs.map((d) => d.label)).toEqual(
      phone.devices.inputs.map((d) => d.label),
    );
    expect(await follower.setDevices({ microphone: 'mic-built-in' })).toBeUndefined();
    expect(phone.commands).toContain('setDevices {"microphone":"mic-built-in"}');
    await expect.poll(() => follower.devices.microphone, { interval: 10 }).toBe('mic-built-in');
    await follower.playTestSound('ringer');
    expect(phone.commands).toContain('playTestSound ringer');
  });

  it('a failure told as error then registration is one registration change in every tab', async () => {
    const [owner, follower, phone] = await ownerAndFollower();
    const seen = [owner, follower].map((tab) =>
      record<PhoneEventMap, 'registration'>((e, h) => tab.on(e, h), 'registration'),
    );
    // As Phone.setState does: the state first, then `error`, then `registration`.
    phone.state = 'failed';
    phone.emit('error', { code: 'auth-rejected', message: 'refused' });
    phone.emit('registration', { state: 'failed', previous: 'registered' });
    // A later event: once the follower has it, it has had everything before it.
    const marks = record<PhoneEventMap, 'availability'>(
      (e, h) => follower.on(e, h),
      'availability',
    );
    phone.changeAvailability({ availability: 'away', previous: 'available', reason: 'agent' });
    await expect.poll(() => marks.length, { interval: 10 }).toBe(1);
    expect(seen.map((events) => events.map((e) => e.state))).toEqual([['failed'], ['failed']]);
  });

  it('a command made while the election runs is carried out by the owner it elects', async () => {
    const tab = openTab(true);
    expect(tab.tabRole).toBe('electing');
    const call = tab.call('ivr');
    await roleOf(tab, 'owner');
    await expect.poll(() => call.id, { interval: 10 }).toBe(only(owned).calls[0]?.id);
  });

  it('a configuration the phone refuses is not shared: the tab owns its (failed) phone', () => {
    const tab = openTab(true, { domain: '' });
    expect(tab.tabRole).toBe('owner');
    expect(owned).toHaveLength(1);
  });

  it('a command for a call the owner no longer has is refused with a reason', async () => {
    const [, follower, phone] = await ownerAndFollower();
    const mirrored = firstCall(follower);
    phone.ring({ uri: 'sip:v@tabs.test', user: 'v', displayName: '' });
    const call = await mirrored;
    phone.calls[0]!.end('canceled');
    await expect.poll(() => call.state, { interval: 10 }).toBe('ended');
    await expect(call.answer()).rejects.toThrow('that call is over');
  });
});

function firstCall(tab: TabPhone): Promise<CallHandle> {
  return new Promise((resolve) => {
    const stop = tab.on('call', ({ call }) => {
      stop();
      resolve(call);
    });
  });
}

describe('sharedInstanceId', () => {
  it('is one UUID per shared phone, the same on every call, another for another phone', () => {
    const first = sharedInstanceId('helpline-softphone test.example agent1');
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(sharedInstanceId('helpline-softphone test.example agent1')).toBe(first);
    expect(sharedInstanceId('helpline-softphone test.example agent2')).not.toBe(first);
  });
});
