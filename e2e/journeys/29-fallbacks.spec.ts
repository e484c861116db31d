/**
 * Fallbacks when a call cannot happen (issue 15): the click-to-call page with
 * `fallback-tel` and `callback-url` (the lab's credentials service, `POST /callback`).
 * The visitor reads what happened, sees the page's number as a tel: link, types their own
 * number with the keyboard and sends it; the receiver recorded exactly that number and
 * target (testkit/callback-log.ts reads its log).
 */
import type { Page } from '@playwright/test';
import { recordedCallbacks } from '../../testkit/callback-log';
import { freePort } from '../../testkit/ports';
import { CREDENTIALS_ORIGIN, PAGES } from '../../testkit/topology';
import { expect, test } from '../support/fixtures';
import { history } from '../support/media-server';
import { TONE_BURSTS_WAV } from '../support/paths';

const FALLBACKS = {
  target: 'echo',
  'fallback-tel': '+34 900 123 456',
  'callback-url': `${CREDENTIALS_ORIGIN}/callback`,
};

/** A number of this run's own, as a visitor types it, and as the receiver records it. */
function visitorNumber(): { typed: string; canonical: string } {
  const tail = String(Date.now() % 1_000_000).padStart(6, '0');
  return { typed: `+34 611 ${tail.slice(0, 3)} ${tail.slice(3)}`, canonical: `+34611${tail}` };
}

/** The id of the element focused inside the call button's shadow root. */
function focusedInButton(page: Page): Promise<string | undefined> {
  return page.evaluate(
    () => document.querySelector('sip-call-button')?.shadowRoot?.activeElement?.id,
  );
}

/** The call-back requests the receiver recorded for `number` since `since`. */
async function recordedFor(number: string, since: number) {
  return (await recordedCallbacks(since)).filter((request) => request.number === number);
}

test('microphone denied: explained, the number offered, and a call-back typed with the keyboard arrives', async ({
  visitor,
}) => {
  const since = Date.now();
  const { typed, canonical } = visitorNumber();
  const widget = await visitor(FALLBACKS, {
    microphone: { wav: TONE_BURSTS_WAV, grantMicrophone: false },
  });
  await widget.launcher.click();

  const reason = widget.element.locator('[part="fallback-reason"]');
  await expect(reason).toHaveText(
    "We can't call from here: this page may not use your microphone.",
  );
  await expect(reason).toHaveAttribute('role', 'alert');
  const tel = widget.element.getByRole('link', { name: 'Call us on +34 900 123 456' });
  await expect(tel).toHaveAttribute('href', 'tel:+34900123456');
  // Focus left the closed panel for the fallbacks, not for <body>.
  await expect.poll(() => focusedInButton(widget.page)).toBe('fallback');
  await widget.screenshot('fallback offered');

  // Keyboard only: Tab to the link, Tab to the field, type, Enter.
  await widget.page.keyboard.press('Tab');
  await expect(tel).toBeFocused();
  await widget.page.keyboard.press('Tab');
  const field = widget.element.getByLabel('Your phone number');
  await expect(field).toBeFocused();
  await widget.page.keyboard.type(typed);
  await widget.page.keyboard.press('Enter');

  const sent = widget.element.locator('[part="callback-sent"]');
  await expect(sent).toHaveText(`Thank you: we'll call you back on ${typed}.`);
  await expect.poll(() => focusedInButton(widget.page)).toBe('callback-sent');
  await widget.screenshot('call-back sent');

  // The backend saw exactly that number and target, once, from the page's origin.
  await expect.poll(async () => (await recordedFor(canonical, since)).length).toBe(1);
  const [recorded] = await recordedFor(canonical, since);
  expect(recorded).toMatchObject({
    number: canonical,
    target: 'echo',
    reason: 'microphone-denied',
    origin: PAGES.origin,
  });
  expect(recorded?.context).toBeUndefined();
  // And no call was attempted.
  expect(widget.wire.sentRequests('INVITE')).toHaveLength(0);
  expect(await history(since)).toHaveLength(0);
});

// A port of the lab's test range nobody listens on: the connection is refused, as from a
// host that is down (Chromium refuses "unsafe" ports such as 9 before trying).
for (const [what, unreachable] of [
  [
    'the credentials URL',
    (port: number) => ({ 'credentials-url': `https://127.0.0.1:${port}/credentials/visitor` }),
  ],
  ['the SBC', (port: number) => ({ server: `wss://127.0.0.1:${port}` })],
] as const) {
  test(`${what} out of reach: the phone service explained, the fallbacks offered and a call-back arrives`, async ({
    visitor,
  }) => {
    const since = Date.now();
    const { typed, canonical } = visitorNumber();
    const widget = await visitor({ ...FALLBACKS, ...unreachable(await freePort()) });
    await widget.launcher.click();

    await expect(widget.element.locator('[part="fallback-reason"]')).toHaveText(
      "We can't reach our phone service right now.",
      { timeout: 15_000 },
    );
    await expect(
      widget.element.getByRole('link', { name: 'Call us on +34 900 123 456' }),
    ).toHaveAttribute('href', 'tel:+34900123456');
    await widget.screenshot(`unreachable ${what}`);

    const field = widget.element.getByLabel('Your phone number');
    await field.focus();
    await widget.page.keyboard.type(typed);
    await widget.page.keyboard.press('Enter');
    await expect(widget.element.locator('[part="callback-sent"]')).toBeVisible();

    await expect.poll(async () => (await recordedFor(canonical, since)).length).toBe(1);
    expect((await recordedFor(canonical, since))[0]).toMatchObject({
      target: 'echo',
      reason: 'service-unreachable',
    });
    expect(widget.wire.sentRequests('INVITE')).toHaveLength(0);
  });
}
