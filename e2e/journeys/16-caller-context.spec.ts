import { expect, test } from '../support/fixtures';
import { entryOfType, waitForTimelineEntry } from '../support/media-server';
import { PAGES_ORIGIN } from '../support/paths';

/** A header of a raw SIP message (first occurrence), or undefined. */
function headerOf(raw: string, name: string): string | undefined {
  const line = raw.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(line.indexOf(':') + 1).trim();
}

test("the caller's name and context from the customer's page reach the agent's banner, as text", async ({
  agent,
  visitor,
}) => {
  const agentPhone = await agent('agent1');
  await agentPhone.expectRegistration('registered');

  const caller = await visitor({
    target: 'queue',
    'display-name': 'María Núñez',
    context: '{"orderId":"A-17","note":"<b>VIP</b>"}',
    'data-context-plan': 'gold',
    'share-page-url': 'share-page-url',
  });
  await caller.launcher.click();
  const callId = await caller.outgoingCallId();

  await agentPhone.expectCallState('ringing');
  const banner = agentPhone.element.locator('[part~="incoming"]');
  await expect(banner.locator('[part~="caller-name"]')).toHaveText('María Núñez');
  const details = banner.getByRole('definition');
  await expect(banner.getByRole('term')).toHaveText(['plan', 'orderId', 'note', 'page']);
  await expect(details).toHaveText([
    'gold',
    'A-17',
    '<b>VIP</b>',
    `${PAGES_ORIGIN}/click-to-call.html`,
  ]);
  await expect(banner.locator('b')).toHaveCount(0);
  await agentPhone.screenshot('ringing with the caller context');

  // What the backend carried: the visitor's INVITE reached the media server with the
  // context, and the media server rang the agent with the same header.
  const invite = await waitForTimelineEntry(callId, entryOfType('invite'), 'the visitor INVITE');
  const sent = JSON.parse(String(invite.context)) as Record<string, string>;
  expect(sent).toEqual({
    plan: 'gold',
    orderId: 'A-17',
    note: '<b>VIP</b>',
    page: `${PAGES_ORIGIN}/click-to-call.html`,
  });
  const rang = agentPhone.wire.messages.find(
    (m) => m.direction === 'received' && m.method === 'INVITE',
  );
  expect(headerOf(rang?.raw ?? '', 'X-Context')).toBe(invite.context);

  await agentPhone.button('Answer').click();
  await agentPhone.expectCallState('active');
  await expect(agentPhone.element.locator('[part~="call"] [part~="context"]')).toContainText(
    'A-17',
  );
  await agentPhone.expectInboundAudio();

  await caller.button('Hang up').click();
  await agentPhone.expectEnded('hangup-remote');
});
