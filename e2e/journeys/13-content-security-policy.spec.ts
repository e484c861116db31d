import type { BrowserContext } from '@playwright/test';
import { expect, test } from '../support/fixtures';
import { entryOfType, waitForTimelineEntry } from '../support/media-server';

interface Violation {
  directive: string;
  blocked: string;
  sample: string;
}

/** Collects the page's Content-Security-Policy violation reports from before it loads. */
async function recordViolations(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const seen: Violation[] = [];
    (window as { cspViolations?: Violation[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (event) => {
      seen.push({
        directive: event.effectiveDirective,
        blocked: event.blockedURI,
        sample: event.sample,
      });
    });
  });
}

test('a page with a strict Content-Security-Policy and Trusted Types: the widget loads, calls and hangs up with no violation', async ({
  visitor,
}) => {
  const widget = await visitor({}, { page: 'click-to-call-csp.html', prepare: recordViolations });
  const violations = () =>
    widget.page.evaluate(() => (window as { cspViolations?: Violation[] }).cspViolations ?? []);
  await expect(widget.element).toHaveAttribute('state', 'idle');

  await widget.launcher.click();
  await widget.expectCallState('active');
  const callId = await widget.outgoingCallId();
  await waitForTimelineEntry(callId, entryOfType('answered'), 'answered by the echo service');
  // Sounds, the lazy chunks, the credentials and the WebSocket all passed the policy.
  await widget.expectInboundAudio();

  await widget.button('Hang up').click();
  await widget.expectEnded('hangup-local');
  await waitForTimelineEntry(callId, entryOfType('ended'), 'call ended on the server');
  expect(await violations()).toEqual([]);

  // The policy is really enforced on this page: an HTML string sink is refused.
  const sink = await widget.page.evaluate(() => {
    try {
      document.createElement('div').innerHTML = '<b>x</b>';
      return 'allowed';
    } catch {
      return 'refused';
    }
  });
  expect(sink).toBe('refused');
  await expect
    .poll(async () => (await violations()).map((v) => v.directive))
    .toEqual(['require-trusted-types-for']);
});
