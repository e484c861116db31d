import { expect, test } from '../support/fixtures';
import { control, entryOfType, findCall, waitForTimelineEntry } from '../support/media-server';

test('local hold music: held with inactive, the widget plays its own music and stops on resume', async ({
  visitor,
}) => {
  const widget = await visitor({ target: 'hold-inactive' });
  await widget.launcher.click();
  const callId = await widget.outgoingCallId();

  await waitForTimelineEntry(callId, entryOfType('hold', { direction: 'inactive' }), 'hold');
  await widget.expectHold('remote');
  await expect(widget.element).toContainText('Held by the other side');
  // No media comes from the far end, so the widget plays its own hold music.
  await widget.expectInboundPaused();
  await widget.expectSoundPlaying('hold-music', true);
  await widget.screenshot('local hold music');

  await control((await findCall(callId))!, 'unhold');
  await widget.expectHold('none');
  await widget.expectSoundPlaying('hold-music', false);
  await widget.expectInboundAudio();

  await widget.button('Hang up').click();
  await waitForTimelineEntry(callId, entryOfType('ended'), 'ended');
});
