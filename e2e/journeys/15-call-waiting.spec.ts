import { expect, test } from '../support/fixtures';
import { entryOfType, waitForTimelineEntry } from '../support/media-server';

test('call waiting: an agent in a queue call takes a second call, then switches back', async ({
  agent,
  visitor,
}) => {
  const agentPhone = await agent('agent1');
  const colleague = await agent('agent2');
  await agentPhone.expectRegistration('registered');
  await colleague.expectRegistration('registered');

  // First call: a visitor through the queue, answered.
  const caller = await visitor({ target: 'queue' });
  await caller.launcher.click();
  const visitorCallId = await caller.outgoingCallId();
  await agentPhone.expectCallState('ringing');
  await agentPhone.button('Answer').click();
  await agentPhone.expectCallState('active');
  const bridge = await waitForTimelineEntry(visitorCallId, entryOfType('bridge'), 'bridged');
  const agentLegId = bridge.peerCallId as string;
  await caller.expectInboundAudio();

  // Second call: a colleague calls the agent, who is busy: it rings as call waiting.
  await colleague.element.getByLabel('Number or address').fill('agent1');
  await colleague.button('Call').click();
  const waiting = agentPhone.element.locator('[part~="other-call"]');
  await expect(waiting.locator('[part~="other-call-status"]')).toHaveText('Call waiting');
  await expect(waiting.locator('[part~="other-caller-name"]')).toContainText('agent2');
  await agentPhone.expectSoundPlaying('call-waiting', true);
  await agentPhone.expectSoundPlaying('ringtone', false);
  // The call on screen is still the visitor's, still talking.
  expect((await agentPhone.call())?.state).toBe('active');
  await colleague.expectCallState('ringing');
  await agentPhone.screenshot('call waiting');

  // Answer it: the visitor's call is held first (the server sees the hold and plays
  // the visitor music), then the colleague's call is answered.
  await waiting.locator('[part~="answer-waiting"]').click();
  await colleague.expectCallState('active');
  await agentPhone.expectSoundPlaying('call-waiting', false);
  const held = await waitForTimelineEntry(
    agentLegId,
    entryOfType('hold', { by: 'remote' }),
    'the agent held the visitor',
  );
  await expect(waiting.locator('[part~="other-call-status"]')).toHaveText('On hold');
  await caller.expectInboundAudio();
  await colleague.expectPacketsFlowingBothWays();
  await colleague.expectInboundAudio();
  await agentPhone.screenshot('second call answered');

  // Switch back: the colleague is held (their phone says so), the visitor resumed.
  await waiting.locator('[part~="switch"]').click();
  await colleague.expectHold('remote');
  await expect(colleague.element).toContainText('Held by the other side');
  await waitForTimelineEntry(
    agentLegId,
    (entry) => entry.type === 'unhold' && entry.t >= held.t,
    'the agent resumed the visitor',
  );
  await expect(waiting.locator('[part~="other-caller-name"]')).toContainText('agent2');
  await agentPhone.expectPacketsFlowingBothWays();
  await caller.expectInboundAudio();

  // Hang up the held colleague from its row; the visitor's call goes on.
  await waiting.locator('[part~="hangup-other"]').click();
  await colleague.expectEnded('hangup-remote');
  await expect(waiting).toHaveCount(0);
  expect((await agentPhone.call())?.state).toBe('active');

  await caller.button('Hang up').click();
  await agentPhone.expectEnded('hangup-remote');
  await waitForTimelineEntry(visitorCallId, entryOfType('ended'), 'ended on the server');
});
