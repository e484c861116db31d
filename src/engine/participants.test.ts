/**
 * 3-way calls (participants.ts) through the fake SBC, which answers a REFER as the media
 * server does: 202, then NOTIFYs with the status line of its call to the party.
 */
import { describe, expect, it } from 'vitest';
import { header } from './test-support/fake-sbc';
import { useFakeSbc } from './test-support/fake-sbc-suite';
import { reach, record } from './test-support/waits';
import type { CallEventMap } from './types';

const fake = useFakeSbc();

describe('3-way call', () => {
  it('adds a party with a marked REFER, lists it, and drops it with method=BYE; the call goes on', async () => {
    const call = await fake.answeredCall();
    const steps = record<CallEventMap, 'participant'>(call.on.bind(call), 'participant');
    const lists = record<CallEventMap, 'participants'>(call.on.bind(call), 'participants');

    expect(await call.addParticipant(' agent8 ')).toEqual({ state: 'added', target: 'agent8' });
    const add = fake.sbc.requests('REFER').at(-1);
    expect(add && header(add, 'refer-to')).toBe('<sip:agent8@helpline.test>');
    expect(add && header(add, 'x-conference')).toBe('add');
    expect(call.participants).toEqual(['agent8']);

    expect(await call.removeParticipant('agent8')).toEqual({ state: 'dropped', target: 'agent8' });
    const drop = fake.sbc.requests('REFER').at(-1);
    expect(drop && header(drop, 'refer-to')).toBe('<sip:agent8@helpline.test;method=BYE>');
    expect(drop && header(drop, 'x-conference')).toBe('');

    expect(steps.map((step) => step.state)).toEqual(['adding', 'added', 'dropped']);
    expect(lists.map((list) => list.participants)).toEqual([['agent8'], []]);
    expect(call.participants).toEqual([]);
    expect(call.state).toBe('active');
    expect(fake.sbc.requests('BYE')).toEqual([]);
  });

  it("a party that does not answer (its call's status in the NOTIFY) fails; the call stays", async () => {
    fake.sbc.refer = { status: 202, outcome: 'SIP/2.0 480 Temporarily Unavailable' };
    const call = await fake.answeredCall();
    const errors = record<CallEventMap, 'error'>(call.on.bind(call), 'error');

    const outcome = await call.addParticipant('agent5');

    expect(outcome).toEqual({
      state: 'add-failed',
      target: 'agent5',
      sipStatus: 480,
      reason: 'Temporarily Unavailable',
    });
    expect(call.participants).toEqual([]);
    expect(call.state).toBe('active');
    expect(errors).toEqual([
      {
        code: 'participant-failed',
        message: 'Could not add agent5 (SIP 480 Temporarily Unavailable).',
        cause: outcome,
      },
    ]);
  });

  it('a refused REFER fails with its status', async () => {
    fake.sbc.refer = { status: 403 };
    const call = await fake.answeredCall();
    expect(await call.addParticipant('agent8')).toMatchObject({
      state: 'add-failed',
      sipStatus: 403,
    });
    expect(call.state).toBe('active');
  });

  it('sends nothing for a party that is not one, not in the call, or a call not answered', async () => {
    const ringing = fake.phone().call('queue');
    expect(await ringing.addParticipant('agent8')).toMatchObject({
      state: 'add-failed',
      reason: 'only an answered call can have parties added',
    });
    await reach(ringing, 'active');
    expect(await ringing.addParticipant('agent8;method=BYE')).toMatchObject({
      state: 'add-failed',
    });
    expect(await ringing.addParticipant('not a user')).toMatchObject({ state: 'add-failed' });
    expect(await ringing.removeParticipant('agent8')).toMatchObject({
      state: 'drop-failed',
      reason: 'agent8 is not in the call',
    });
    expect(fake.sbc.requests('REFER')).toEqual([]);
  });
});
