import { expect, test } from '../support/fixtures';
import { entryOfType, findCall, waitForTimelineEntry } from '../support/media-server';

test('hold and unhold by the visitor: the server sees the hold, audio flows again both ways after', async ({
  visitor,
}) => {
  const widget = await visitor({ target: 'echo' });
  await widget.launcher.click();
  await widget.expectCallState('active');
  const callId = await widget.outgoingCallId();
  await widget.expectPacketsFlowingBothWays();

  await widget.button('Hold').click();
  await widget.expectHold('local');
  await widget.expectCallState('on-hold');
  await expect(widget.element).toContainText('On hold');
  await widget.screenshot('on hold');

  const hold = await waitForTimelineEntry(callId, entryOfType('hold', { by: 'remote' }), 'hold');
  expect(['sendonly', 'inactive']).toContain(hold.direction);
  // The held server stops sending: our inbound counter stalls.
  await widget.expectInboundPaused();

  await widget.button('Resume').click();
  await widget.expectHold('none');
  await widget.expectCallState('active');
  await waitForTimelineEntry(callId, (e) => e.type === 'unhold' && e.t >= hold.t, 'unhold');
  await widget.expectPacketsFlowingBothWays();
  await widget.expectInboundAudio();

  await widget.button('Hang up').click();
  await widget.expectEnded('hangup-local');
  await waitForTimelineEntry(callId, entryOfType('ended'), 'ended');
  // The server's own counters: media went both ways, and the hold did not count as a
  // media timeout.
  const timeline = (await findCall(callId))!.timeline;
  const final = timeline.find((e) => e.type === 'rtp-stats' && e.final === true);
  expect(Number(final?.packetsReceived)).toBeGreaterThan(100);
  expect(Number(final?.packetsSent)).toBeGreaterThan(100);
  expect(timeline.find((e) => e.type === 'ended')?.reason).not.toBe('rtp-timeout');
});
