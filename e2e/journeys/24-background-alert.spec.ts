import { hideBehindAnotherTab, launchTabbedChromium, visibility } from '../support/background-tab';
import { recordElementEvents } from '../support/element-events';
import { expect, signInAgent, test } from '../support/fixtures';
import { entryOfType, findCall, waitForTimelineEntry } from '../support/media-server';
import { clickNotification, notifications, recordNotifications } from '../support/notifications';
import { observe } from '../support/observe';
import { pageUrl } from '../support/page-attributes';
import { PAGES_ORIGIN } from '../support/paths';
import { Widget } from '../support/widget';

/**
 * The agent's phone in a tab that is really hidden (a second tab in front, in one window of
 * headless Chromium: support/background-tab.ts), notifications granted to the pages' origin.
 */
test("a call ringing in a hidden tab: a notification with the caller's name and a flashing title, until it stops ringing; a click focuses Answer", async ({
  visitor,
}, testInfo) => {
  test.setTimeout(90_000);
  const tabbed = await launchTabbedChromium();
  let phone: Widget | undefined;
  try {
    const { context } = tabbed;
    await signInAgent(context, 'agent5');
    await context.grantPermissions(['notifications'], { origin: PAGES_ORIGIN });
    const page = await context.newPage();
    await recordElementEvents(page);
    await recordNotifications(page);
    phone = new Widget(page, 'sip-phone', testInfo);
    await page.goto(`${PAGES_ORIGIN}${pageUrl('dashboard.html', { notifications: 'on' })}`);
    await phone.expectRegistration('registered');
    const restingTitle = await page.title();
    expect(await page.evaluate(() => Notification.permission)).toBe('granted');
    await hideBehindAnotherTab(page);
    const alertTitle = 'Incoming call: Ana';

    // A first caller rings the hidden phone, then gives up.
    const first = await visitor({ target: 'queue', 'display-name': 'Ana' });
    await first.launcher.click();
    const firstCallId = await first.outgoingCallId();
    await phone.expectCallState('ringing');
    await waitForTimelineEntry(firstCallId, entryOfType('queue-dial', { agent: 'agent5' }), 'rang');
    await expect
      .poll(() => notifications(page), { message: 'the system notification' })
      .toEqual([{ title: alertTitle, tag: 'sip-phone-incoming-call', shown: true, closed: false }]);
    // The title flashes: the alert, the page's own, the alert again.
    for (const title of [alertTitle, restingTitle, alertTitle]) {
      await expect.poll(() => page.title(), { intervals: [100] }).toBe(title);
    }
    expect(await visibility(page)).toBe('hidden');

    await first.button('Hang up').click();
    await expect.poll(async () => (await phone!.call())?.state ?? 'no call').toBe('no call');
    await expect.poll(async () => (await findCall(firstCallId))?.state).toBe('ended');
    // Stopped with the ringing: notification closed, the page's title back and kept.
    await expect.poll(async () => (await notifications(page))[0]?.closed).toBe(true);
    expect(new Set(await observe(2500, () => page.title()))).toEqual(new Set([restingTitle]));

    // A second caller: the agent clicks the notification and lands on Answer.
    const second = await visitor({ target: 'queue', 'display-name': 'Ana' });
    await second.launcher.click();
    const secondCallId = await second.outgoingCallId();
    await phone.expectCallState('ringing');
    await expect.poll(async () => (await notifications(page)).length).toBe(2);
    expect((await notifications(page))[1]).toMatchObject({ title: alertTitle, closed: false });
    await clickNotification(page, 1);
    // The page's part: Answer has the focus within the page, the notification is closed.
    await expect
      .poll(() =>
        phone!.element.evaluate((el) => el.shadowRoot?.activeElement?.getAttribute('part')),
      )
      .toBe('answer');
    expect((await notifications(page))[1]?.closed).toBe(true);
    // The browser's part of a real click (a script calling the handler has no user
    // activation, so its window.focus() is refused): the tab comes to the front.
    await page.bringToFront();
    await expect.poll(() => visibility(page)).toBe('visible');
    await expect(phone.button('Answer')).toBeFocused();

    // Answered with one key; nothing alerts any more.
    await page.keyboard.press('Enter');
    await phone.expectCallState('active');
    await waitForTimelineEntry(
      secondCallId,
      entryOfType('queue-answered', { agent: 'agent5' }),
      'the agent answered',
    );
    expect(new Set(await observe(2500, () => page.title()))).toEqual(new Set([restingTitle]));
    expect(await notifications(page)).toHaveLength(2);

    await second.button('Hang up').click();
    await phone.expectEnded('hangup-remote');
  } finally {
    await phone?.stopPhone().catch(() => undefined);
    await tabbed.close();
  }
});
