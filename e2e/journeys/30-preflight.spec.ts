/**
 * Issue 15, "Self-check": `<sip-preflight>` on a plain page calls the real echo service
 * through Kamailio, rtpengine and the media server, and rates the line. On the clean lab
 * it finds nothing wrong; with loss injected by the media server on the visitor's leg, it
 * says calls may be hard to hear and why. Both sides: the element's verdict and figures,
 * and the media server's record of the test call (answered, echoed, hung up, and how many
 * packets it dropped on purpose).
 */
import type { PreflightResult } from '../../src/engine/types';
import { expect, test } from '../support/fixtures';
import { impair, impairmentReport } from '../support/impairment';
import { answeredCall, entryOfType, waitForTimelineEntry } from '../support/media-server';
import type { Widget } from '../support/widget';

/** The element's result once its verdict is in (a full check: microphone, call, hang-up). */
async function verdictOf(widget: Widget): Promise<PreflightResult> {
  await expect(widget.element).toHaveAttribute('verdict', /.+/, { timeout: 45_000 });
  const result = await widget.element.evaluate(
    (el: Element & { result?: PreflightResult }) => el.result,
  );
  if (!result) throw new Error('verdict shown without a result');
  return result;
}

test('the self-check finds nothing wrong on the clean lab: steps, figures, JSON, and the echo call at the media server', async ({
  visitor,
}) => {
  test.setTimeout(90_000);
  const widget = await visitor({}, { page: 'preflight.html' });
  await expect(
    widget.element.getByRole('heading', { name: 'Check your call setup' }),
  ).toBeVisible();
  // From the keyboard: Enter on the focused start button.
  await widget.element.getByRole('button', { name: 'Start the check' }).focus();
  await widget.page.keyboard.press('Enter');
  await expect(widget.element.getByRole('meter', { name: 'Microphone level' })).toBeVisible();
  const callId = await widget.outgoingCallId();
  await waitForTimelineEntry(callId, entryOfType('echo-started'), 'echo started', 15_000);

  const result = await verdictOf(widget);
  test.info().annotations.push({ type: 'self-check', description: JSON.stringify(result) });
  // Nothing wrong with the line: no loss, and a call that connects and echoes. Its MOS also
  // counts the browser's own jitter buffer, which a starved CPU deepens: on a quiet machine
  // the clean lab rates `good` (MOS ~4.4); at a load of 30 on two cores, jitter buffers of
  // 250-400 ms made it `fair` or `low-mos`. Loss, the line's own fault, is what the lossy
  // journey below adds.
  const startup = ['low-mos', 'high-jitter'];
  expect(result.problems.filter((problem) => !startup.includes(problem))).toEqual([]);
  expect(result.verdict).not.toBe('failed');
  expect(result.browser).toEqual({ supported: true, missing: [] });
  expect(result.microphone.error).toBeNull();
  // Chromium's fake microphone beeps.
  expect(result.microphone.peakLevel).toBeGreaterThan(0.001);
  expect(result.call).toMatchObject({
    target: 'echo',
    connected: true,
    endCause: 'hangup-local',
    error: null,
    path: { localType: 'host', relay: false },
    codec: { mimeType: expect.stringMatching(/^audio\//) },
  });
  expect(result.call!.lossFraction).toBeLessThan(0.03);
  expect(result.call!.rttMs).not.toBeNull();

  const verdicts: Record<string, string> = {
    good: 'All good: your calls will sound clear.',
    fair: 'Calls will work, though they may not sound their best.',
    poor: 'Calls may be hard to hear.',
  };
  await expect(widget.element.locator('[part="verdict"]')).toContainText(verdicts[result.verdict]!);
  await expect(widget.element.locator('[part="step"][data-step="browser"]')).toHaveAttribute(
    'data-status',
    'passed',
  );
  await expect(widget.element.locator('[part="step"][data-step="microphone"]')).toHaveAttribute(
    'data-status',
    'passed',
  );
  await expect(widget.element.locator('[part="figures"]')).toContainText('Direct (UDP)');
  await expect(widget.element.getByRole('button', { name: 'Check again' })).toBeFocused();
  await widget.screenshot('self-check: good');

  // The media server saw the whole test call: answered, echoed, and hung up by the check.
  const bye = await waitForTimelineEntry(callId, entryOfType('bye'), "the check's hang-up");
  expect(bye.by).toBe('remote');
  await waitForTimelineEntry(callId, entryOfType('ended'), 'test call ended');
  const events = (await widget.events('sip-preflight-complete')).map((e) => e.detail);
  // The page heard it once (the recorder keeps an event's plain fields: e2e/support/element-events.ts).
  expect(events).toEqual([
    { result: expect.objectContaining({ verdict: result.verdict, startedAt: result.startedAt }) },
  ]);
});

test('with loss on the line the self-check says calls may be hard to hear, and why', async ({
  visitor,
}) => {
  test.setTimeout(90_000);
  const widget = await visitor({ duration: '8' }, { page: 'preflight.html' });
  await widget.element.getByRole('button', { name: 'Start the check' }).click();
  const callId = await widget.outgoingCallId();
  // 25 % of what the media server sends the visitor is dropped, from the first moment.
  const leg = await answeredCall(callId);
  await impair(leg, { direction: 'to-caller', loss: 0.25 });

  const result = await verdictOf(widget);
  expect(result.verdict).toBe('poor');
  expect(result.problems).toContain('high-loss');
  expect(result.call!.lossFraction).toBeGreaterThan(0.1);
  expect(result.call!.mos).toBeLessThan(3.5);
  await expect(widget.element.locator('[part="verdict"]')).toContainText(
    'Calls may be hard to hear.',
  );
  await expect(widget.element.locator('[part="verdict"]')).toContainText(
    'The connection loses sound: words may go missing.',
  );
  await expect(widget.element.locator('[part="step"][data-step="call"]')).toHaveAttribute(
    'data-status',
    'failed',
  );
  await widget.screenshot('self-check: lossy line');
  // The loss the check measured is the loss the media server injected.
  const report = await impairmentReport(leg);
  expect(report.toCaller.rtpDropped).toBeGreaterThan(0);
});
