import { expect, test } from '../support/fixtures';
import { entryOfType, findCall, waitForTimelineEntry } from '../support/media-server';

test('hold and unhold by the visitor: the server sees the hold, audio flows again both ways after', async ({
  visitor,
}) => {
  const widget = await visitor({ target: 'echo' });
  await widget.button('Call us').click();
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
  // The server's own counters: it received the visitor's media.
  const stats = (await findCall(callId))!.timeline.filter((e) => e.type === 'rtp-stats');
  expect(stats.length, 'rtp-stats on the server timeline').toBeGreaterThan(0);
  expect(Number(stats.at(-1)!.packets)).toBeGreaterThan(50);
});
