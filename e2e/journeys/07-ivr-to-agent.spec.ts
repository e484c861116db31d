import { expect, test } from '../support/fixtures';
import { entryOfType, waitForTimelineEntry } from '../support/media-server';

test('IVR to agent: the visitor presses 0, hears hold music while queued, then talks to the agent', async ({
  agent,
  visitor,
}) => {
  const agentPhone = await agent('agent4');
  await agentPhone.expectRegistration('registered');

  const caller = await visitor({ target: 'ivr' });
  await caller.launcher.click();
  await caller.expectCallState('active');
  const callId = await caller.outgoingCallId();
  await waitForTimelineEntry(callId, entryOfType('ivr-node'), 'IVR entered');

  await caller.button('Keypad').click();
  await caller.key('0').click();
  await waitForTimelineEntry(callId, entryOfType('digit', { digit: '0' }), 'digit 0');

  // Queued: the agent rings while the visitor hears the server's hold music.
  await agentPhone.expectCallState('ringing');
  await caller.expectInboundAudio();
  await caller.screenshot('queued with hold music');

  await agentPhone.button('Answer').click();
  await agentPhone.expectCallState('active');
  await waitForTimelineEntry(callId, entryOfType('bridge'), 'bridged to the agent');
  await agentPhone.expectInboundAudio();
  await agentPhone.expectPacketsFlowingBothWays();
  await caller.expectPacketsFlowingBothWays();
  expect((await caller.call())?.state).toBe('active');
  await agentPhone.screenshot('talking to the visitor');

  await agentPhone.button('Hang up').click();
  await agentPhone.expectEnded('hangup-local');
  await caller.expectEnded('hangup-remote');
  await waitForTimelineEntry(callId, entryOfType('ended'), 'ended on the server');
});
