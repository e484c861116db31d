import { expect, test } from '../support/fixtures';
import { entryOfType, findCall, waitForTimelineEntry } from '../support/media-server';

test('click-to-call from a plain page: IVR heard, digit 1 reaches the sub-menu, hang-up ends both sides', async ({
  visitor,
}) => {
  const widget = await visitor();
  await expect(widget.element).toHaveAttribute('state', 'idle');
  await widget.screenshot('idle');

  await widget.launcher.click();
  await widget.expectCallState('active');
  await expect(widget.element).toHaveAttribute('state', 'in-call');
  await widget.screenshot('in call');

  // The credentials came from the credentials service, and the call is signed with them.
  expect(widget.http).toContainEqual({
    url: expect.stringContaining('/credentials/visitor'),
    status: 200,
  });
  const callId = await widget.outgoingCallId();
  expect(widget.wire.sentRequests('INVITE')[0]!.from).toContain('visitor-');

  // The media server answered and its IVR prompt is really heard in the page.
  await waitForTimelineEntry(callId, entryOfType('answered'), 'answered');
  const firstNode = await waitForTimelineEntry(callId, entryOfType('ivr-node'), 'IVR entered');
  await widget.expectInboundAudio();

  await widget.button('Keypad').click();
  await widget.screenshot('keypad');
  await widget.key('1').click();

  const digit = await waitForTimelineEntry(callId, entryOfType('digit', { digit: '1' }), 'digit 1');
  await waitForTimelineEntry(
    callId,
    (e) => e.type === 'ivr-node' && e.t >= digit.t && e.node !== firstNode.node,
    'IVR moved to the sub-menu after 1',
  );
  expect(await widget.events('sip-dtmf')).toContainEqual(
    expect.objectContaining({ detail: expect.objectContaining({ tone: '1' }) }),
  );

  await widget.button('Hang up').click();
  await widget.expectEnded('hangup-local');
  await expect(widget.element).toContainText('Call ended: You hung up');
  await widget.screenshot('ended');
  await waitForTimelineEntry(callId, entryOfType('ended'), 'call ended on the server');
  expect((await findCall(callId))?.timeline.map((e) => e.type)).toContain('bye');
});
