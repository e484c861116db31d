import { expect, test } from '../support/fixtures';
import {
  downloadRecording,
  entryOfType,
  recordings,
  waitForTimelineEntry,
} from '../support/media-server';
import { parseWav, rms, toneShare } from '../support/wav';

test('recording: a call to record leaves a WAV with the visitor’s microphone in it', async ({
  visitor,
}) => {
  const before = new Set((await recordings()).map((r) => `${r.server}/${r.file}`));
  const widget = await visitor({ target: 'record' });
  await widget.launcher.click();
  await widget.expectCallState('active');
  const callId = await widget.outgoingCallId();
  await waitForTimelineEntry(callId, entryOfType('answered'), 'answered');
  // About three seconds of microphone audio (50 packets/s) reach the server.
  await widget.expectPacketsFlowingBothWays(150, 15_000);
  await widget.button('Hang up').click();
  await waitForTimelineEntry(callId, entryOfType('ended'), 'ended');

  let created: Awaited<ReturnType<typeof recordings>> = [];
  await expect
    .poll(
      async () => {
        created = (await recordings()).filter((r) => !before.has(`${r.server}/${r.file}`));
        return created.length;
      },
      { message: 'a new recording', intervals: [200] },
    )
    .toBe(1);
  const pcm = parseWav(await downloadRecording(created[0]!));
  expect(pcm.samples.length / pcm.sampleRate, 'seconds recorded').toBeGreaterThan(2);
  expect(rms(pcm.samples), 'recording is not silent').toBeGreaterThan(0.01);
  expect(toneShare(pcm, 1000), 'the 1 kHz microphone tone dominates').toBeGreaterThan(0.5);
});
