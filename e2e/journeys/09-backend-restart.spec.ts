import { expect, test } from '../support/fixtures';
import { registeredContacts, startService, stopService } from '../support/lab';

test('backend stopped while registered: reconnecting, then registered again without a reload', async ({
  agent,
}) => {
  test.setTimeout(120_000);
  const phone = await agent('agent7');
  await phone.expectRegistration('registered');
  await phone.page.evaluate(() => {
    (window as { loadedOnce?: boolean }).loadedOnce = true;
  });

  await stopService('kamailio');
  try {
    await phone.expectRegistration('reconnecting', 20_000);
    await expect(phone.element).toContainText('Connection lost, reconnecting…');
    await phone.screenshot('reconnecting');
  } finally {
    await startService('kamailio');
  }

  await phone.expectRegistration('registered', 60_000);
  await expect(phone.element).toContainText('Ready');
  expect(await phone.page.evaluate(() => (window as { loadedOnce?: boolean }).loadedOnce)).toBe(
    true,
  );
  // Kamailio lost its location table with the restart: the contact is there again only
  // because the phone registered anew.
  await expect.poll(() => registeredContacts('agent7'), { intervals: [200] }).toBeGreaterThan(0);
});
