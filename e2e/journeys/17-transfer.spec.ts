import { expect, type JourneyFixtures, test } from '../support/fixtures';
import { type TimelineEntry, waitForTimelineEntry } from '../support/media-server';
import type { Widget } from '../support/widget';

const isTransferEntry = (type: string, target: string) => (entry: TimelineEntry) =>
  entry.type === type && entry.target === target;

/** agent1 and agent2 signed in, and a visitor's queue call that agent1 answered. */
async function queueCallAnswered(
  { agent, visitor }: JourneyFixtures,
  firstAttributes: Record<string, string> = {},
  visitorAttributes: Record<string, string> = {},
): Promise<{ first: Widget; colleague: Widget; caller: Widget; callId: string }> {
  const first = await agent('agent1', firstAttributes);
  const colleague = await agent('agent2');
  await first.expectRegistration('registered');
  await colleague.expectRegistration('registered');

  const caller = await visitor({ target: 'queue', ...visitorAttributes });
  await caller.launcher.click();
  const callId = await caller.outgoingCallId();
  await first.expectCallState('ringing');
  await first.button('Answer').click();
  await first.expectCallState('active');
  return { first, colleague, caller, callId };
}

/** After a transfer: the visitor talks with the colleague, both ways, until the visitor hangs up. */
async function expectVisitorWithColleague(
  caller: Widget,
  colleague: Widget,
  screenshot: string,
): Promise<void> {
  expect((await caller.call())?.state).toBe('active');
  await colleague.expectPacketsFlowingBothWays();
  await colleague.expectInboundAudio();
  await caller.expectInboundAudio();
  await colleague.screenshot(screenshot);

  await caller.button('Hang up').click();
  await colleague.expectEnded('hangup-remote');
}

test('blind transfer: an agent hands a queue call to a colleague, who talks with the visitor', async ({
  agent,
  visitor,
}) => {
  const { first, colleague, caller, callId } = await queueCallAnswered(
    { agent, visitor },
    { 'transfer-targets': 'agent2, queue' },
    { 'display-name': 'Ana' },
  );
  await caller.expectInboundAudio();

  await first.element.locator('[part~="transfer-toggle"]').click();
  await first.element.locator('[part~="transfer-target"]', { hasText: 'agent2' }).click();
  await expect(first.element.locator('[part~="call-status"]')).toHaveText(
    'Transferring to agent2…',
  );

  // The media server rings the colleague with the visitor's name, as the queue does.
  await colleague.expectCallState('ringing');
  await expect(colleague.element.locator('[part~="caller-name"]')).toHaveText('Ana');
  await waitForTimelineEntry(callId, isTransferEntry('transfer', 'agent2'), 'transfer asked');
  await colleague.button('Answer').click();
  await colleague.expectCallState('active');

  // The first agent leaves with the transfer done; the visitor never noticed a thing.
  await first.expectEnded('transferred');
  await expect(first.element).toContainText('Call ended: Transferred');
  const answered = await waitForTimelineEntry(
    callId,
    isTransferEntry('transfer-answered', 'agent2'),
    'the colleague answered',
  );
  expect(colleague.wire.incomingCallIds()).toEqual([answered.peerCallId]);
  await expectVisitorWithColleague(caller, colleague, 'talking after the transfer');
});

test('attended transfer: the agent consults a colleague first, then hands the visitor over', async ({
  agent,
  visitor,
}) => {
  // Two calls set up and a third taking over: more steps than the default test time allows
  // on a busy machine.
  test.setTimeout(90_000);
  const { first, colleague, caller, callId } = await queueCallAnswered(
    { agent, visitor },
    {},
    { 'display-name': 'Ana' },
  );
  await caller.expectInboundAudio();

  // Consult: the visitor waits on hold while the agent calls the colleague.
  await first.element.locator('[part~="transfer-toggle"]').click();
  await first.element.getByLabel('Transfer to').fill('agent2');
  await first.button('Consult first').click();
  await colleague.expectCallState('ringing');
  await colleague.button('Answer').click();
  await colleague.expectCallState('active');
  await expect(first.element.locator('[part~="other-call-status"]')).toHaveText('On hold');
  const consultationId = first.wire.outgoingCallIds().at(-1)!;
  expect(colleague.wire.incomingCallIds()).toEqual([consultationId]);
  await colleague.expectInboundAudio();
  await first.screenshot('consulting a colleague');

  await first.button('Transfer to agent2, the call with Ana').click();

  // The colleague's phone takes the visitor in place of the consultation, without ringing.
  const answered = await waitForTimelineEntry(
    callId,
    isTransferEntry('transfer-answered', 'agent2'),
    'the colleague took the call',
  );
  await expect(colleague.element.locator('[part~="caller-name"]')).toHaveText('Ana');
  await colleague.expectCallState('active');
  await colleague.expectEnded('replaced');
  expect(colleague.wire.incomingCallIds()).toEqual([consultationId, answered.peerCallId]);
  const takeover = colleague.wire.messages.find(
    (m) => m.direction === 'received' && m.method === 'INVITE' && m.callId === answered.peerCallId,
  );
  expect(takeover?.raw).toMatch(new RegExp(`^Replaces: ${consultationId};`, 'mi'));
  expect(await colleague.events('sip-incoming-call')).toHaveLength(1);
  const asked = await waitForTimelineEntry(
    callId,
    isTransferEntry('transfer', 'agent2'),
    'transfer asked',
  );
  expect(asked.attended).toBe(true);

  // The agent's two calls are over, both as transferred; the visitor talks with the colleague.
  await expect
    .poll(async () =>
      (await first.events('sip-call-ended')).map((event) => event.detail.cause).sort(),
    )
    .toEqual(['transferred', 'transferred']);
  await expectVisitorWithColleague(caller, colleague, 'talking after the attended transfer');
});

test('a transfer that cannot reach its target fails cleanly: the visitor stays with the agent', async ({
  agent,
  visitor,
}) => {
  const { first, colleague, caller, callId } = await queueCallAnswered({ agent, visitor });

  // Nobody is signed in as agent5: the SBC has no one to ring.
  await first.element.locator('[part~="transfer-toggle"]').click();
  await first.element.getByLabel('Transfer to').fill('agent5');
  await first.button('Transfer the call').click();
  await expect(first.element.locator('[part~="error"]')).toContainText(
    'The call could not be transferred; it is still with you.',
  );
  const missing = await waitForTimelineEntry(
    callId,
    isTransferEntry('transfer-failed', 'agent5'),
    'the transfer to agent5 failed',
  );
  expect(Number(missing.status)).toBeGreaterThanOrEqual(400);
  const failed = (await first.events('sip-call-transfer')).at(-1)?.detail;
  expect(failed).toMatchObject({ state: 'failed', target: 'agent5', sipStatus: missing.status });

  // A colleague who declines: the same, and the call is still whole both ways.
  await first.element.getByLabel('Transfer to').fill('agent2');
  await first.button('Transfer the call').click();
  await colleague.expectCallState('ringing');
  await colleague.button('Decline').click();
  await waitForTimelineEntry(callId, isTransferEntry('transfer-failed', 'agent2'), 'declined');
  expect((await first.call())?.state).toBe('active');
  await first.expectPacketsFlowingBothWays();
  await first.expectInboundAudio();
  await caller.expectInboundAudio();

  await caller.button('Hang up').click();
  await first.expectEnded('hangup-remote');
});
