/**
 * Issue 14, "One registration across tabs": two dashboard tabs of one agent register
 * once, a call rings once (in both tabs' screens, with one ringtone), the agent answers and
 * hangs up from the tab that does not hold the phone, and when the owner tab closes the
 * other one takes the registration over. Both sides: what each tab shows and sent, and
 * what Kamailio's location table holds.
 */
import { expect, test } from '../support/fixtures';
import { registeredContacts } from '../support/lab';
import type { Widget } from '../support/widget';

const AGENT = 'agent8' as const;
// Three pages and two registrations per journey: more than the default on a busy machine.
test.describe.configure({ timeout: 90_000 });

async function expectTabRole(tab: Widget, role: string): Promise<void> {
  await expect.poll(() => tab.tabRole(), { message: 'tab role', intervals: [50] }).toBe(role);
}

/** The agent's dashboard, then a second tab of it: the first owns the phone, both show it. */
async function twoTabs(agent: (name: typeof AGENT) => Promise<Widget>): Promise<[Widget, Widget]> {
  const owner = await agent(AGENT);
  await owner.expectRegistration('registered');
  await expectTabRole(owner, 'owner');
  const follower = await owner.openAnotherTab();
  await expectTabRole(follower, 'follower');
  await follower.expectRegistration('registered');
  return [owner, follower];
}

function registersSent(tab: Widget): number {
  return tab.wire.sentRequests('REGISTER').length;
}

test('two tabs of one agent: one registration, one ring, answered and hung up from the other tab', async ({
  agent,
}) => {
  const [owner, follower] = await twoTabs(agent);
  // The follower shows the owner's phone: signed in, and where its calls' audio plays.
  await expect(follower.element).toContainText('Ready');
  await expect(follower.element.locator('[part="other-tab"]')).toContainText('your other tab');
  await expect(owner.element.locator('[part="other-tab"]')).toHaveCount(0);
  await follower.screenshot('follower tab');

  // One registration: the follower tab sent nothing, Kamailio holds one contact.
  expect(registersSent(follower)).toBe(0);
  // Nor did it connect: the core starts no credentials or socket for a follower tab
  // (src/cdn/early-connection.ts), which would be minted and opened for nothing.
  expect(follower.wire.sockets).toHaveLength(0);
  expect(registersSent(owner)).toBeGreaterThan(0);
  await expect.poll(() => registeredContacts(AGENT), { intervals: [200] }).toBe(1);

  const caller = await agent('agent9');
  await caller.expectRegistration('registered');
  await caller.element.getByLabel('Number or address').fill(AGENT);
  await caller.button('Call').click();

  // Both tabs show the call ringing; the owner plays the one ringtone.
  await owner.expectCallState('ringing');
  await follower.expectCallState('ringing');
  await expect(follower.element).toContainText('Incoming call');
  await owner.expectSoundPlaying('ringtone', true);
  expect(await follower.playingSound('ringtone')).toBeUndefined();
  // One INVITE reached the agent, on the owner tab's connection.
  expect(owner.wire.incomingCallIds()).toHaveLength(1);
  expect(follower.wire.messages).toHaveLength(0);
  await follower.screenshot('ringing in the follower tab');

  await follower.button('Answer').click();
  await caller.expectCallState('active');
  await owner.expectCallState('active');
  await follower.expectCallState('active');
  await owner.expectSoundPlaying('ringtone', false);
  // The media is the owner tab's: the caller and the agent hear each other.
  await owner.expectInboundAudio();
  await caller.expectInboundAudio();
  // The answer went out from the owner tab, which the follower's click drove.
  expect(owner.wire.messages.some((m) => m.direction === 'sent' && m.status === 200)).toBe(true);

  await follower.button('Hang up').click();
  await caller.expectEnded('hangup-remote');
  await follower.expectEnded('hangup-local');
  await owner.expectEnded('hangup-local');
  await expect(follower.button('Call')).toBeVisible();
});

test('the owner tab closes: the other tab takes over the registration and rings', async ({
  agent,
}) => {
  const [owner, follower] = await twoTabs(agent);
  await expect.poll(() => registeredContacts(AGENT), { intervals: [200] }).toBe(1);

  const closedAt = Date.now();
  await owner.page.close({ runBeforeUnload: true });
  await expectTabRole(follower, 'owner');
  const ownerAfterMs = Date.now() - closedAt;
  await follower.expectRegistration('registered');
  // Measured, not asserted (machines are noisy): how long the agent could not be reached.
  test.info().annotations.push({
    type: 'takeover',
    description: `owner after ${ownerAfterMs} ms, registered after ${Date.now() - closedAt} ms`,
  });
  expect(registersSent(follower)).toBeGreaterThan(0);
  await expect(follower.element.locator('[part="other-tab"]')).toHaveCount(0);
  // The new owner registered as the same instance (RFC 5626): its contact replaced the
  // closed tab's, which would otherwise ring nobody until it expired.
  await expect.poll(() => registeredContacts(AGENT), { intervals: [200] }).toBe(1);

  const caller = await agent('agent9');
  await caller.expectRegistration('registered');
  await caller.element.getByLabel('Number or address').fill(AGENT);
  await caller.button('Call').click();
  await follower.expectCallState('ringing');
  await follower.expectSoundPlaying('ringtone', true);
  await follower.button('Answer').click();
  await caller.expectCallState('active');
  await follower.expectInboundAudio();
  await caller.button('Hang up').click();
  await follower.expectEnded('hangup-remote');
});
