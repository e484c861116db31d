/**
 * Issue 15, "Silent microphone": a visitor whose microphone sends silence (Chromium's fake
 * capture playing a silent WAV) is told in plain words that we cannot hear them, the media
 * server hears of it from the visitor's quality report, and muting (silence on purpose)
 * clears it. Both sides: what the widget shows and what the media server recorded.
 */
import { expect, test } from '../support/fixtures';
import { entryOfType, waitForTimelineEntry } from '../support/media-server';
import { SILENCE_WAV } from '../support/paths';
import { expectWarning, recordQualityEvents } from '../support/quality-events';

test('a silent microphone: the visitor is told, the media server hears of it, muting clears it', async ({
  visitor,
}) => {
  test.setTimeout(90_000);
  const startedAt = Date.now();
  const widget = await visitor(
    { target: 'echo' },
    { microphone: { wav: SILENCE_WAV }, prepare: recordQualityEvents },
  );
  await widget.launcher.click();
  await widget.expectCallState('active');
  const callId = await widget.outgoingCallId();
  await waitForTimelineEntry(callId, entryOfType('echo-started'), 'echo started', 15_000);
  // Packets flow both ways: what is missing is sound, not a media path.
  await widget.expectPacketsFlowingBothWays();

  const raised = await expectWarning(widget.page, 'no-outbound-audio', true, startedAt, 30_000);
  expect(raised.value).toBeLessThan(0.001);
  await expect(widget.element.locator('[part~="warning"]')).toContainText([
    "We can't hear you: check your microphone",
  ]);
  await widget.screenshot('silent microphone');
  // The visitor's phone told the far end (a quality INFO), and the media server read it.
  const told = await waitForTimelineEntry(
    callId,
    (entry) =>
      entry.type === 'remote-quality' && String(entry.warnings).includes('no-outbound-audio'),
    "the visitor's report of its silent microphone",
    20_000,
  );
  expect(told.warnings).toContain('no-outbound-audio');

  // Muted, the silence is on purpose: the warning clears, and the far end is told so.
  const mutedAt = Date.now();
  await widget.button('Mute').click();
  await expectWarning(widget.page, 'no-outbound-audio', false, mutedAt, 30_000);
  await waitForTimelineEntry(
    callId,
    (entry) =>
      entry.type === 'remote-quality' &&
      entry.t >= mutedAt &&
      !String(entry.warnings).includes('no-outbound-audio'),
    "the visitor's report once muted",
    20_000,
  );

  await widget.button('Hang up').click();
  await waitForTimelineEntry(callId, entryOfType('ended'), 'ended');
});
