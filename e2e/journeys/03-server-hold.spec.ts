import { expect, test } from '../support/fixtures';
import { control, entryOfType, findCall, waitForTimelineEntry } from '../support/media-server';

test('hold music from the server: held with a re-INVITE, music heard, cleared when the server resumes', async ({
  visitor,
}) => {
  const widget = await visitor({ target: 'server-hold' });
  await widget.launcher.click();
  const callId = await widget.outgoingCallId();

  await widget.expectHold('remote');
  await widget.expectCallState('on-hold');
  await expect(widget.element).toContainText('Held by the other side');
  await widget.screenshot('held by the server');
  const hold = await waitForTimelineEntry(callId, entryOfType('hold', { by: 'local' }), 'hold');
  expect(hold.direction).toBe('sendonly');
  // The server holds with sendonly and plays music: real audio, not local hold music.
  await widget.expectInboundAudio();
  expect(await widget.playingSound('hold-music')).toBeUndefined();

  await control((await findCall(callId))!, 'unhold');
  await widget.expectHold('none');
  await widget.expectCallState('active');
  await expect(widget.element).not.toContainText('Held by the other side');
  await waitForTimelineEntry(callId, entryOfType('unhold'), 'unhold');

  await widget.button('Hang up').click();
  await waitForTimelineEntry(callId, entryOfType('ended'), 'ended');
});
