import { expect, test } from '../support/fixtures';
import { contactFlags, startService, stopService } from '../support/lab';
import { entryOfType, findCall, waitForTimelineEntry } from '../support/media-server';
import type { Widget } from '../support/widget';

/** FLB_AVAILABLE in backend/kamailio/kamailio.cfg: the contact takes queue calls. */
const AVAILABLE_FLAG = 1 << 4;
const WRAP_UP_SECONDS = 25;
/** A queue round is at least its ring timeout (15 s), then the "still waiting" prompt. */
const NEXT_ROUND_MS = 60_000;

/** The availability each REGISTER of the page said (Contact parameter), in order. */
function registeredAvailability(phone: Widget): string[] {
  return phone.wire
    .sentRequests('REGISTER')
    .map((m) => /;availability=([a-z-]+)/.exec(m.raw)?.[1] ?? 'none');
}

function availabilityOnPage(phone: Widget): Promise<string | undefined> {
  return phone.page.evaluate(
    () =>
      (document.querySelector('sip-phone') as { phone?: { availability: string } } | null)?.phone
        ?.availability,
  );
}

/** The queue's dial to `agent` failed with this status, in the visitor's call on the server. */
async function queueDialFailed(callId: string, agent: string, since = 0) {
  return waitForTimelineEntry(
    callId,
    (entry) => entry.type === 'queue-agent-failed' && entry.agent === agent && entry.t >= since,
    `the queue's dial to ${agent} failed`,
    20_000,
  );
}

test('Away agents are not rung and the caller hears the queue music until someone is Available', async ({
  agent,
  visitor,
}) => {
  test.setTimeout(300_000);
  // agent3 stays signed out (not registered); agent5 starts Away, with 25 s of wrap-up.
  const agentPhone = await agent('agent5', {
    availability: 'away',
    'wrap-up-seconds': String(WRAP_UP_SECONDS),
  });
  await agentPhone.expectRegistration('registered');
  await expect(agentPhone.button('Away')).toHaveAttribute('aria-pressed', 'true');
  expect(registeredAvailability(agentPhone).at(-1)).toBe('away');
  expect(await contactFlags('agent5')).toEqual([expect.any(Number)]);
  expect((await contactFlags('agent5'))[0]! & AVAILABLE_FLAG).toBe(0);

  // A visitor calls the queue: agent3 is not registered, agent5 is Away. Nobody is rung.
  const caller = await visitor({ target: 'queue' });
  await caller.launcher.click();
  const callId = await caller.outgoingCallId();
  await caller.expectCallState('active');
  const away = await queueDialFailed(callId, 'agent5');
  expect([away.status, away.reason]).toEqual([480, 'Agent Not Available']);
  const absent = await queueDialFailed(callId, 'agent3');
  expect([absent.status, absent.reason]).toEqual([480, 'Temporarily Unavailable']);
  expect(agentPhone.wire.messages.filter((m) => m.method === 'INVITE')).toEqual([]);
  expect(await agentPhone.call()).toBeUndefined();
  expect(await agentPhone.events('sip-incoming-call')).toEqual([]);
  // Meanwhile the visitor hears the queue's music, and is still queued.
  await caller.expectInboundAudio();
  expect((await findCall(callId))?.timeline.some(entryOfType('queue-answered'))).toBe(false);
  await agentPhone.screenshot('away');

  // agent5 becomes Available: a REGISTER says so at once, and the next round rings it.
  await agentPhone.button('Available').click();
  await expect.poll(() => registeredAvailability(agentPhone).at(-1)).toBe('available');
  await expect
    .poll(async () => (await contactFlags('agent5'))[0]! & AVAILABLE_FLAG)
    .toBe(AVAILABLE_FLAG);
  await agentPhone.expectCallState('ringing', NEXT_ROUND_MS);
  await agentPhone.button('Answer').click();
  await agentPhone.expectCallState('active');
  await waitForTimelineEntry(
    callId,
    entryOfType('queue-answered', { agent: 'agent5' }),
    'answered',
  );
  expect((await caller.call())?.state).toBe('active');
  await agentPhone.expectPacketsFlowingBothWays();
  await caller.expectPacketsFlowingBothWays();

  // The agent hangs up: wrap-up, on screen with its countdown and at the SBC.
  await agentPhone.button('Hang up').click();
  await caller.expectEnded('hangup-remote');
  await expect(agentPhone.element.locator('[part~="wrap-up"]')).toContainText('Wrap-up:');
  await expect.poll(() => registeredAvailability(agentPhone).at(-1)).toBe('wrap-up');
  await agentPhone.screenshot('wrap-up');

  // A second visitor calls during the wrap-up: not offered to agent5 until it ends.
  const second = await visitor({ target: 'queue' });
  await second.launcher.click();
  const secondId = await second.outgoingCallId();
  const duringWrapUp = await queueDialFailed(secondId, 'agent5');
  expect([duringWrapUp.status, duringWrapUp.reason]).toEqual([480, 'Agent Not Available']);
  expect(await availabilityOnPage(agentPhone)).toBe('wrap-up');
  expect(await agentPhone.call()).toBeUndefined();
  await second.expectInboundAudio();

  // The wrap-up ends by itself (the page says Available again, and so does a REGISTER),
  // and a later round rings agent5.
  await expect
    .poll(() => availabilityOnPage(agentPhone), { timeout: WRAP_UP_SECONDS * 1000 + 5000 })
    .toBe('available');
  await expect.poll(() => registeredAvailability(agentPhone).at(-1)).toBe('available');
  await agentPhone.expectCallState('ringing', NEXT_ROUND_MS);
  const over = (await agentPhone.events('sip-availability-change')).find(
    (event) => event.detail.reason === 'wrap-up-over',
  );
  const rung = (await agentPhone.events('sip-incoming-call')).at(-1);
  expect(over && rung && over.at <= rung.at).toBe(true);
  await agentPhone.button('Answer').click();
  await second.expectCallState('active');
  await waitForTimelineEntry(
    secondId,
    entryOfType('queue-answered', { agent: 'agent5' }),
    'answered',
  );
  await second.button('Hang up').click();
  await agentPhone.expectEnded('hangup-remote');

  // Away, then the SBC restarts: the phone re-registers on a new connection, and the
  // REGISTER that restores its binding still says Away.
  await agentPhone.button('Away').click();
  await expect.poll(() => registeredAvailability(agentPhone).at(-1)).toBe('away');
  const registersBefore = registeredAvailability(agentPhone).length;
  await stopService('kamailio');
  try {
    await agentPhone.expectRegistration('reconnecting', 20_000);
  } finally {
    await startService('kamailio');
  }
  await agentPhone.expectRegistration('registered', 60_000);
  expect(registeredAvailability(agentPhone).slice(registersBefore)).not.toContain('available');
  expect(registeredAvailability(agentPhone).length).toBeGreaterThan(registersBefore);
  const flags = await contactFlags('agent5');
  expect(flags).toHaveLength(1);
  expect(flags[0]! & AVAILABLE_FLAG).toBe(0);
  await expect(agentPhone.button('Away')).toHaveAttribute('aria-pressed', 'true');
});
