import { expect, test } from '../support/fixtures';
import {
  downloadRecording,
  entryOfType,
  findCall,
  waitForTimelineEntry,
} from '../support/media-server';
import { parseWav, rms, toneShare } from '../support/wav';

test('recording: a call to record leaves a WAV with the visitor’s microphone in it', async ({
  visitor,
}) => {
  const widget = await visitor({ target: 'record' });
  await widget.launcher.click();
  await widget.expectCallState('active');
  const callId = await widget.outgoingCallId();
  // The server plays its prompt and beep, then starts recording.
  const started = await waitForTimelineEntry(callId, entryOfType('recording'), 'recording', 20_000);
  // About three seconds of microphone audio (50 packets/s) after that.
  await widget.expectPacketsFlowingBothWays(150, 15_000);
  await widget.screenshot('recording');
  await widget.button('Hang up').click();
  await widget.expectEnded('hangup-local');
  await waitForTimelineEntry(callId, entryOfType('recording-stopped'), 'recording stopped');

  const call = (await findCall(callId))!;
  const pcm = parseWav(
    await downloadRecording({ file: String(started.file), server: call.server }),
  );
  // Left channel = the caller: the fake microphone's 1 kHz bursts.
  expect(pcm.samples.length / pcm.sampleRate, 'seconds recorded').toBeGreaterThan(2);
  expect(rms(pcm.samples), 'caller channel is not silent').toBeGreaterThan(0.01);
  expect(toneShare(pcm, 1000), 'the 1 kHz microphone tone dominates').toBeGreaterThan(0.5);
});
