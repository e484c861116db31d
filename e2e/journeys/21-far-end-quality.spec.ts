import { expect, test } from '../support/fixtures';
import { clearImpairment, impair } from '../support/impairment';
import { answeredCall, waitForTimelineEntry } from '../support/media-server';

test("the agent sees the caller's line: loss towards the visitor only shows on the agent's phone as the other side's", async ({
  agent,
  visitor,
}) => {
  // Warnings need a few bad samples to rise and a few good ones to clear (quality/warnings.ts).
  test.setTimeout(120_000);
  const phone = await agent('agent1');
  await phone.expectRegistration('registered');
  const caller = await visitor({ target: 'queue' });
  await caller.launcher.click();
  const callId = await caller.outgoingCallId();
  await phone.expectCallState('ringing');
  await phone.button('Answer').click();
  await phone.expectCallState('active');
  await caller.expectInboundAudio();
  const farEnd = phone.element.locator('[part~="far-end-quality"]');
  await expect(farEnd).toHaveCount(0);

  // 10 % loss on what the media server sends the visitor: only the visitor's line suffers.
  const visitorLeg = await answeredCall(callId);
  await impair(visitorLeg, { direction: 'to-caller', loss: 0.1 });

  await expect(farEnd).toHaveText("The other side's connection is dropping audio", {
    timeout: 30_000,
  });
  const reported = await waitForTimelineEntry(
    callId,
    (entry) => entry.type === 'remote-quality' && String(entry.warnings).includes('high-loss'),
    "the visitor's report at the media server",
  );
  expect(reported.warnings).toEqual(['high-loss']);
  const raised = (await caller.events('sip-quality-warning')).map((event) => event.detail);
  expect(raised).toContainEqual(expect.objectContaining({ warning: 'high-loss', raised: true }));
  // The agent's own line is fine: it raised no loss warning of its own.
  const own = (await phone.events('sip-quality-warning')).map((event) => event.detail.warning);
  expect(own).not.toContain('high-loss');
  await phone.screenshot("the other side's line drops audio");

  await clearImpairment(visitorLeg);
  await expect(farEnd).toHaveCount(0, { timeout: 30_000 });

  await caller.button('Hang up').click();
  await phone.expectEnded('hangup-remote');
});
