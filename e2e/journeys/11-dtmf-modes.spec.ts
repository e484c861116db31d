import { expect, test } from '../support/fixtures';
import { entryOfType, waitForTimelineEntry } from '../support/media-server';

for (const { mode, method } of [
  { mode: 'rfc4733', method: 'rfc4733' },
  { mode: 'info', method: 'info' },
] as const) {
  test(`DTMF mode ${mode}: the IVR receives the digit as ${method}`, async ({ visitor }) => {
    const widget = await visitor({ target: 'ivr', 'dtmf-mode': mode });
    await widget.launcher.click();
    await widget.expectCallState('active');
    const callId = await widget.outgoingCallId();
    await waitForTimelineEntry(callId, entryOfType('ivr-node'), 'IVR entered');

    await widget.button('Keypad').click();
    await widget.key('2').click();

    const digit = await waitForTimelineEntry(callId, entryOfType('digit', { digit: '2' }), 'digit');
    expect(digit.method).toBe(method);
    // On the wire: a DTMF INFO only in info mode. Only those count: the call's quality
    // reports are INFOs too (src/engine/quality/far-end.ts), sent when a warning is raised,
    // as one was on a busy machine.
    const dtmfInfos = widget.wire
      .sentRequests('INFO')
      .filter((info) => /^content-type:\s*application\/dtmf-relay/im.test(info.raw));
    expect(dtmfInfos.length).toBe(mode === 'info' ? 1 : 0);

    await widget.button('Hang up').click();
    await waitForTimelineEntry(callId, entryOfType('ended'), 'ended');
  });
}
