import { expect, test } from '../support/fixtures';
import { startService, stopService } from '../support/lab';
import { entryOfType, findCall, waitForTimelineEntry } from '../support/media-server';

test('an agent who answered a call keeps it across a reconnect, and can still hang it up', async ({
  agent,
  visitor,
}) => {
  test.setTimeout(120_000);
  // What this journey proves is that the call survives a reconnect, not how fast Docker
  // restarts Kamailio: on a loaded machine the restart alone outlasted the default 10 s
  // recovery window (callRecoveryTimeoutMs), so both phones wait longer here.
  const patient = { callRecoveryTimeoutMs: 40_000 };
  const agentPhone = await agent('agent1');
  await agentPhone.setConfig(patient);
  await agentPhone.expectRegistration('registered');
  const caller = await visitor({ target: 'queue' });
  await caller.setConfig(patient);
  await caller.launcher.click();
  const callId = await caller.outgoingCallId();
  await agentPhone.expectCallState('ringing');
  await agentPhone.button('Answer').click();
  await agentPhone.expectCallState('active');
  await agentPhone.expectInboundAudio();

  // The SBC restarts: every WebSocket drops; the agent's phone comes back on a new one.
  await stopService('kamailio');
  try {
    await agentPhone.expectRegistration('reconnecting', 20_000);
  } finally {
    await startService('kamailio');
  }
  await agentPhone.expectRegistration('registered', 60_000);
  expect((await agentPhone.call())?.state).toBe('active');
  // The visitor is back too, and told the SBC its new connection: a re-INVITE of the call
  // as it was (media kept), answered 200.
  await caller.expectRegistration('connected', 60_000);
  await expect
    .poll(() => caller.wire.responsesTo('INVITE').filter((r) => r.status === 200).length, {
      message: "the visitor's re-INVITE from its new connection",
      timeout: 15_000,
    })
    .toBe(2);
  expect((await caller.call())?.state).toBe('active');

  // Its BYE now comes from another address than the dialog's: the SBC must know the
  // called agent by name to let it end the call (DLG_MOVED in kamailio.cfg), and relay it.
  await agentPhone.button('Hang up').click();
  await agentPhone.expectEnded('hangup-local');
  await caller.expectEnded('hangup-remote');
  await waitForTimelineEntry(callId, entryOfType('ended'), 'ended on the server');
  expect((await findCall(callId))?.reason).toBe('bridge-peer-ended');
});
