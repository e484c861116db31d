import { expect, test } from '../support/fixtures';
import { clearImpairment, impair } from '../support/impairment';
import { answeredCall, findCall, waitForTimelineEntry } from '../support/media-server';

test("the agent sees the caller's line: loss towards the visitor shows on the agent's phone as the other side's", async ({
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
  /** What the agent's phone knows of the visitor's line. */
  const farEndWarnings = () =>
    phone.element.evaluate(
      (el: Element & { call?: { quality: { farEndWarnings: readonly string[] } } | null }) => [
        ...(el.call?.quality.farEndWarnings ?? []),
      ],
    );

  // 10 % loss on what the media server sends the visitor: the visitor's line suffers.
  const visitorLeg = await answeredCall(callId);
  await impair(visitorLeg, { direction: 'to-caller', loss: 0.1 });

  // The visitor's phone raises high-loss and says so in the dialog; the media server passes
  // it on; the agent's phone shows it (other warnings may ride along on a busy machine).
  const raised = await waitForTimelineEntry(
    callId,
    (entry) => entry.type === 'remote-quality' && String(entry.warnings).includes('high-loss'),
    "the visitor's report at the media server",
  );
  expect(raised.warnings).toContain('high-loss');
  await expect.poll(farEndWarnings, { timeout: 15_000 }).toContain('high-loss');
  const shown = phone.element.locator('[part~="far-end-quality"]');
  await expect(shown).toBeVisible();
  if ((await farEndWarnings()).join() === 'high-loss') {
    await expect(shown).toHaveText("The other side's connection is dropping audio");
  }
  const visitorWarnings = (await caller.events('sip-quality-warning')).map((e) => e.detail);
  expect(visitorWarnings).toContainEqual(
    expect.objectContaining({ warning: 'high-loss', raised: true }),
  );
  await phone.screenshot("the other side's line drops audio");

  // The loss stops: the visitor's phone clears it, and so does the agent's view.
  await clearImpairment(visitorLeg);
  await expect.poll(farEndWarnings, { timeout: 30_000 }).not.toContain('high-loss');
  // …and the last report the media server passed on says so too.
  await expect
    .poll(async () => {
      const reports = (await findCall(callId))?.timeline.filter((e) => e.type === 'remote-quality');
      return reports?.at(-1)?.warnings;
    })
    .not.toContain('high-loss');

  await caller.button('Hang up').click();
  await phone.expectEnded('hangup-remote');
});
