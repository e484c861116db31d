/**
 * Attended transfer through the fake SBC (test-support/fake-sbc.ts), both phones' sides:
 * the transferor REFERs its call with the consultation's dialog as Replaces (RFC 5589 §7),
 * and the target's phone takes the transferred call in place of the consultation (RFC 3891).
 */
import { describe, expect, it } from 'vitest';
import type { Phone } from './phone';
import { header } from './test-support/fake-sbc';
import { useFakeSbc } from './test-support/fake-sbc-suite';
import { reach, record } from './test-support/waits';
import type { CallHandle, PhoneEventMap } from './types';

const fake = useFakeSbc();

async function agent(user: string): Promise<Phone> {
  const phone = fake.phone({ user, register: true, maxCalls: 2 });
  await phone.start();
  return phone;
}

describe('attended transfer: the transferor', () => {
  it('REFERs the call to the consulted party with the consultation as Replaces', async () => {
    const phone = fake.phone({ user: 'agent1', maxCalls: 2 });
    const call = phone.call('queue');
    await reach(call, 'active');
    const callCallId = fake.sbc.lastCallId();
    const consultation = phone.call('agent2');
    await reach(consultation, 'active');
    const consultationCallId = fake.sbc.lastCallId();

    const outcome = await call.transfer(consultation);

    expect(outcome).toEqual({
      state: 'transferred',
      target: 'sip:agent2@helpline.test',
      attended: true,
    });
    const refer = fake.sbc.requests('REFER').at(-1);
    expect(refer && header(refer, 'call-id')).toBe(callCallId);
    const referTo = decodeURIComponent(refer ? header(refer, 'refer-to') : '');
    expect(referTo).toMatch(
      new RegExp(
        `^<sip:agent2@helpline\\.test\\?Replaces=${consultationCallId};to-tag=[^;]+;from-tag=[^;>]+>$`,
      ),
    );
    await reach(call, 'ended');
    expect(call.endCause).toBe('transferred');

    // The target's phone ends the consultation: it ended as transferred, not hung up.
    expect(consultation.state).not.toBe('ended');
    fake.sbc.hangUp(consultationCallId);
    await reach(consultation, 'ended');
    expect(consultation.endCause).toBe('transferred');
  });

  it('fails without a REFER when the consultation is not answered, and both calls stay', async () => {
    const phone = fake.phone({ user: 'agent1', maxCalls: 2 });
    const call = phone.call('queue');
    await reach(call, 'active');
    const consultation = phone.call('agent2');
    consultation.hangup();
    await reach(consultation, 'ended');

    expect(await call.transfer(consultation)).toMatchObject({
      state: 'failed',
      attended: true,
      reason: 'the consultation call is not answered',
    });
    expect(fake.sbc.requests('REFER')).toEqual([]);
    expect(call.state).toBe('active');
  });

  it('a target whose phone refuses (481 in the NOTIFY) leaves both calls as they were', async () => {
    fake.sbc.refer = { status: 202, outcome: 'SIP/2.0 481 Call/Transaction Does Not Exist' };
    const phone = fake.phone({ user: 'agent1', maxCalls: 2 });
    const call = phone.call('queue');
    await reach(call, 'active');
    const consultation = phone.call('agent2');
    await reach(consultation, 'active');

    expect(await call.transfer(consultation)).toMatchObject({
      state: 'failed',
      sipStatus: 481,
      attended: true,
    });
    expect(call.state).toBe('on-hold');
    expect(consultation.state).toBe('active');
  });
});

describe('attended transfer: the target', () => {
  it('answers the transferred call at once, in place of the consultation', async () => {
    const phone = await agent('agent2');
    const incoming = record<PhoneEventMap, 'incoming'>(phone.on.bind(phone), 'incoming');
    const consultationRing = await fake.sbc.ring('agent2');
    await expect.poll(() => phone.calls.length).toBe(1);
    const consultation = phone.calls[0] as CallHandle;
    await consultation.answer();
    await reach(consultation, 'active');

    const transferred = await fake.sbc.ring('agent2', [fake.sbc.replaces(consultationRing.callId)]);

    expect(await transferred.final).toBe(200);
    await reach(consultation, 'ended');
    expect(consultation.endCause).toBe('replaced');
    const bye = fake.sbc.requests('BYE').at(-1);
    expect(bye && header(bye, 'call-id')).toBe(consultationRing.callId);
    expect(phone.calls).toHaveLength(1);
    const call = phone.calls[0] as CallHandle;
    expect(call.state).toBe('active');
    // It never rang: one incoming call (the consultation), and the consultation was never held.
    expect(incoming).toHaveLength(1);
    expect(
      fake.sbc.requests('INVITE').filter((m) => header(m, 'call-id') === consultationRing.callId),
    ).toHaveLength(0);
  });

  it('refuses to replace a call it does not have (481)', async () => {
    const phone = await agent('agent2');
    const ringing = await fake.sbc.ring('agent2', ['Replaces: unknown@x;to-tag=1;from-tag=2']);
    expect(await ringing.final).toBe(481);
    expect(phone.calls).toEqual([]);
  });
});
