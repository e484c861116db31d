import { expect, test } from '../support/fixtures';
import {
  entryOfType,
  expectServerPacketsRising,
  findCall,
  waitForTimelineEntry,
} from '../support/media-server';

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
  // The server answered recvonly: it stops sending (our inbound counter stalls) and keeps
  // listening.
  await widget.expectInboundPaused();
  const held = (await findCall(callId))!;
  expect([held.remoteDirection, held.localDirection]).toEqual([hold.direction, 'recvonly']);

  await widget.button('Resume').click();
  await widget.expectHold('none');
  await widget.expectCallState('active');
  await waitForTimelineEntry(callId, (e) => e.type === 'unhold' && e.t >= hold.t, 'unhold');
  await widget.expectPacketsFlowingBothWays();
  await expectServerPacketsRising(callId);
  await widget.expectInboundAudio();
  const resumed = (await findCall(callId))!;
  expect([resumed.remoteDirection, resumed.localDirection]).toEqual(['sendrecv', 'sendrecv']);

  await widget.button('Hang up').click();
  await widget.expectEnded('hangup-local');
  await waitForTimelineEntry(callId, entryOfType('ended'), 'ended');
  // The visitor's BYE ended it, not a media timeout during the hold.
  expect((await findCall(callId))?.reason).toBe('remote-bye');
});
