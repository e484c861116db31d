/**
 * Blind transfer (transfer.ts) through the fake SBC, which answers a REFER as the media
 * server does: 202, then NOTIFYs with the status line of its call to the target.
 */
import { describe, expect, it } from 'vitest';
import { header } from './test-support/fake-sbc';
import { useFakeSbc } from './test-support/fake-sbc-suite';
import { reach, record } from './test-support/waits';
import type { CallEventMap } from './types';

const fake = useFakeSbc();

describe('blind transfer', () => {
  it('REFERs to the target, says trying then transferred, and leaves the call', async () => {
    const call = await fake.answeredCall();
    const steps = record<CallEventMap, 'transfer'>(call.on.bind(call), 'transfer');

    const outcome = await call.transfer('agent2');

    expect(outcome).toEqual({ state: 'transferred', target: 'agent2' });
    expect(steps.map((step) => step.state)).toEqual(['trying', 'transferred']);
    const refer = fake.sbc.requests('REFER').at(-1);
    expect(refer && header(refer, 'refer-to')).toBe('<sip:agent2@helpline.test>');
    await reach(call, 'ended');
    expect(call.endCause).toBe('transferred');
    expect(fake.sbc.requests('BYE')).toHaveLength(1);
  });

  it("a target that fails (its call's final status in the NOTIFY) leaves the call as it was", async () => {
    fake.sbc.refer = { status: 202, outcome: 'SIP/2.0 486 Busy Here' };
    const call = await fake.answeredCall();
    const errors = record<CallEventMap, 'error'>(call.on.bind(call), 'error');

    const outcome = await call.transfer('agent2');

    expect(outcome).toEqual({
      state: 'failed',
      target: 'agent2',
      sipStatus: 486,
      reason: 'Busy Here',
    });
    expect(call.state).toBe('active');
    expect(errors).toEqual([
      {
        code: 'transfer-failed',
        message: 'Could not transfer the call to agent2 (SIP 486 Busy Here).',
        cause: outcome,
      },
    ]);
    expect(fake.sbc.requests('BYE')).toEqual([]);
  });

  it('a REFER the far end refuses fails with its status; the call goes on', async () => {
    fake.sbc.refer = { status: 403 };
    const call = await fake.answeredCall();

    const outcome = await call.transfer('agent2');

    expect(outcome).toMatchObject({ state: 'failed', sipStatus: 403 });
    expect(call.state).toBe('active');
  });

  it('nothing is sent for a target that is not one, or a call not answered yet', async () => {
    const call = await fake.answeredCall();
    expect(await call.transfer('not a target')).toEqual({
      state: 'failed',
      target: 'not a target',
      reason: "'not a target' is not a number or SIP address",
    });
    const ringing = fake.phone({ user: 'visitor-2' }).call('echo');
    expect(await ringing.transfer('agent2')).toMatchObject({
      state: 'failed',
      reason: 'only an answered call can be transferred',
    });
    expect(fake.sbc.requests('REFER')).toEqual([]);
  });

  it('a call that ends while the transfer is under way ends it as failed', async () => {
    fake.sbc.refer = { status: 202 };
    const call = await fake.answeredCall();
    const transfer = call.transfer('agent2');
    await expect.poll(() => fake.sbc.requests('REFER').length).toBe(1);

    fake.sbc.hangUp(fake.sbc.lastCallId());

    expect(await transfer).toMatchObject({
      state: 'failed',
      reason: 'the call ended before the transfer did',
    });
  });
});
