import { expect, test } from '../support/fixtures';
import { registeredContacts } from '../support/lab';
import { entryOfType, waitForTimelineEntry } from '../support/media-server';

test('agent receives a queue call: rings, answers, two-way audio, visitor hangs up, back to idle', async ({
  agent,
  visitor,
}) => {
  const agentPhone = await agent('agent1');
  await agentPhone.expectRegistration('registered');
  await expect(agentPhone.element).toContainText('Ready');
  await expect.poll(() => registeredContacts('agent1'), { intervals: [200] }).toBeGreaterThan(0);
  // One phone for the page: the one the core started before the element was in, which the
  // element took (src/cdn/early-phone.ts). A second would have opened a second connection
  // and un-registered the first (a REGISTER with Expires: 0).
  expect(agentPhone.wire.sockets).toHaveLength(1);
  const registers = agentPhone.wire.sentRequests('REGISTER');
  expect(registers.length).toBeGreaterThan(0);
  expect(registers.filter((register) => /^Expires: *0\r?$/im.test(register.raw))).toEqual([]);
  await agentPhone.screenshot('registered');

  const caller = await visitor({ target: 'queue' });
  await caller.launcher.click();
  const callId = await caller.outgoingCallId();

  await agentPhone.expectCallState('ringing');
  await expect(agentPhone.element).toContainText('Incoming call');
  // The queue passes the visitor's identity on, so the agent knows who is calling.
  await expect(agentPhone.element.locator('[part~="caller-name"]')).toHaveText(
    /^visitor-[0-9a-f]+$/,
  );
  await agentPhone.expectSoundPlaying('ringtone', true);
  await agentPhone.screenshot('ringing');
  await caller.screenshot('waiting for an agent');

  await agentPhone.button('Answer').click();
  await agentPhone.expectCallState('active');
  await caller.expectCallState('active');
  await agentPhone.expectSoundPlaying('ringtone', false);
  // Two-way audio: each side hears the other's microphone.
  await agentPhone.expectPacketsFlowingBothWays();
  await agentPhone.expectInboundAudio();
  await caller.expectInboundAudio();
  // The media server bridged the visitor's call to the leg that rang this agent.
  const bridge = await waitForTimelineEntry(callId, entryOfType('bridge'), 'bridged to the agent');
  expect(agentPhone.wire.incomingCallIds()).toEqual([bridge.peerCallId]);
  await agentPhone.screenshot('in call');

  await caller.button('Hang up').click();
  await caller.expectEnded('hangup-local');
  await agentPhone.expectEnded('hangup-remote');
  await expect(agentPhone.element).toContainText('The other side hung up');
  await waitForTimelineEntry(callId, entryOfType('ended'), 'ended on the server');
  // Back to idle: the dial form returns and the phone is still registered.
  await expect(agentPhone.button('Call')).toBeVisible();
  await agentPhone.expectRegistration('registered');
});

test('agent declines a call from another agent: the caller sees "declined"', async ({ agent }) => {
  const caller = await agent('agent2');
  const callee = await agent('agent3');
  await caller.expectRegistration('registered');
  await callee.expectRegistration('registered');

  await caller.element.getByLabel('Number or address').fill('agent3');
  await caller.button('Call').click();
  await callee.expectCallState('ringing');
  await expect(callee.element).toContainText('Incoming call');
  await callee.button('Decline').click();

  const ended = await caller.expectEnded('declined');
  await expect(caller.element).toContainText('Call ended: Call declined');
  await caller.screenshot('declined');
  // What Kamailio relayed: the callee's rejection reached the caller as a final response.
  const rejection = caller.wire
    .responsesTo('INVITE')
    .find((r) => (r.status ?? 0) >= 400 && r.status !== 401 && r.status !== 407);
  expect(rejection?.status).toBe(ended.sipStatus);
  expect(
    callee.wire.messages.some((m) => m.direction === 'sent' && m.status === rejection?.status),
  ).toBe(true);
  await expect(callee.button('Call')).toBeVisible();
});

test('agent declines a queue call: the visitor stays queued with music and the next agent gets it', async ({
  agent,
  visitor,
}) => {
  const first = await agent('agent8');
  const second = await agent('agent9');
  await first.expectRegistration('registered');
  await second.expectRegistration('registered');

  const caller = await visitor({ target: 'queue' });
  await caller.launcher.click();
  const callId = await caller.outgoingCallId();

  // The queue rings agents in order: agent8 first, and only agent8.
  await first.expectCallState('ringing');
  expect(await second.call()).toBeUndefined();
  await first.button('Decline').click();
  await first.expectEnded('declined');

  // The visitor notices nothing but the music; the next agent rings.
  await second.expectCallState('ringing');
  await caller.expectCallState('active');
  await caller.expectInboundAudio();
  await second.button('Answer').click();
  await second.expectCallState('active');
  const bridge = await waitForTimelineEntry(callId, entryOfType('bridge'), 'bridged');
  expect(second.wire.incomingCallIds()).toEqual([bridge.peerCallId]);
  await second.expectInboundAudio();

  await caller.button('Hang up').click();
  await second.expectEnded('hangup-remote');
  await waitForTimelineEntry(callId, entryOfType('ended'), 'ended on the server');
});
