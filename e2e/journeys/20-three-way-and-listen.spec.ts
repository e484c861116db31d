/**
 * Issue 13: 3-way calls and supervisor listen-in, on the media server's conference bridge.
 * Only agent7, agent8 and agent9 (the lab's supervisor, backend/credentials/agents.mjs) take
 * part; agents 1-6 are not signed in, so the queue, which rings in list order, rings agent7.
 *
 * Who hears whom is proven with the fake microphones' tone bursts and the mute button: with
 * every member muted but one, the others' inbound audio has bursts (from that one), and the
 * talker's own inbound goes quiet (nobody hears themselves; the mutes took effect).
 */
import { expect, test } from '../support/fixtures';
import {
  entryOfType,
  findCall,
  history,
  type TimelineEntry,
  waitForTimelineEntry,
} from '../support/media-server';
import { countBursts, sampleInboundPower } from '../support/rtc-stats';
import type { Widget } from '../support/widget';

const LOUD = 0.01;
const QUIET = 0.001;

// Three or four browsers, and each "who hears whom" check listens for seconds.
test.describe.configure({ timeout: 240_000 });
/** Answering (microphone, ICE, 200, ACK) on a loaded machine was seen to take 13 s. */
const ANSWER_TIMEOUT_MS = 30_000;

/** Some of the microphone's bursts (400 ms every second) reach `widget` within 2 s. */
async function expectBursts(widget: Widget, from: string): Promise<void> {
  await expect
    .poll(
      async () => {
        const powers = await sampleInboundPower(widget.page, widget.tag, 2_000);
        return countBursts(powers, LOUD, QUIET);
      },
      { message: `${from} is heard by ${widget.tag}`, timeout: 15_000, intervals: [0] },
    )
    .toBeGreaterThanOrEqual(1);
}

/**
 * Nothing as loud as a burst reaches `widget` for 1.5 s (a burst is well above LOUD; below
 * it there is at most the receiver's concealment of the gaps a loaded machine leaves).
 */
async function expectQuiet(widget: Widget, why: string): Promise<void> {
  await expect
    .poll(async () => Math.max(...(await sampleInboundPower(widget.page, widget.tag, 1_500))), {
      message: `${widget.tag} hears no burst: ${why}`,
      timeout: 15_000,
      intervals: [0],
    })
    .toBeLessThan(LOUD);
}

async function setMuted(widget: Widget, muted: boolean): Promise<void> {
  if (widget.tag === 'sip-call-button') await widget.openPanel();
  const mute = widget.element.locator('[part~="mute"]');
  if ((await mute.getAttribute('aria-pressed')) !== String(muted)) await mute.click();
  await expect(mute).toHaveAttribute('aria-pressed', String(muted));
}

/** Only `talker` sends: the others hear it, and the talker hears nobody. */
async function expectOnlyHeard(talker: Widget, name: string, members: Widget[]): Promise<void> {
  for (const member of members) await setMuted(member, member !== talker);
  await expectQuiet(talker, `only ${name} talks, and hears nobody`);
  for (const member of members.filter((m) => m !== talker)) await expectBursts(member, name);
}

const ofMember = (type: string, user: string, role: string) => (entry: TimelineEntry) =>
  entry.type === type && entry.user === user && entry.role === role;

/** A visitor called the queue and agent7 answered: the visitor's and agent7's Call-IDs. */
async function queueCallTo(
  agent7: Widget,
  caller: Widget,
): Promise<{ visitorLeg: string; agentLeg: string }> {
  await caller.launcher.click();
  const visitorLeg = await caller.outgoingCallId();
  await agent7.expectCallState('ringing');
  await agent7.button('Answer').click();
  await agent7.expectCallState('active', ANSWER_TIMEOUT_MS);
  await expect(agent7.element.locator('[part~="caller-name"]')).toHaveText('Ana');
  const agentLeg = agent7.wire.incomingCallIds()[0]!;
  await waitForTimelineEntry(visitorLeg, entryOfType('bridge'), 'visitor bridged to agent7');
  return { visitorLeg, agentLeg };
}

test('3-way call: agent7 adds agent8, all three hear each other; dropping agent8 leaves the visitor with agent7', async ({
  agent,
  visitor,
}) => {
  const agent7 = await agent('agent7', { 'transfer-targets': 'agent8' });
  const agent8 = await agent('agent8');
  await agent7.expectRegistration('registered');
  await agent8.expectRegistration('registered');
  const caller = await visitor({ target: 'queue', 'display-name': 'Ana' });
  const { visitorLeg, agentLeg } = await queueCallTo(agent7, caller);

  // Add to call: agent8 rings with the visitor's name, as for a transfer, and answers.
  await agent7.element.locator('[part~="add-toggle"]').click();
  await agent7.element.locator('[part~="add-target"]', { hasText: 'agent8' }).click();
  await expect(agent7.element.locator('[part~="call-status"]')).toHaveText('Adding agent8…');
  // Answered at once: the party rings for the queue's ring timeout only.
  await agent8.expectCallState('ringing');
  await agent8.button('Answer').click();
  await agent8.expectCallState('active', ANSWER_TIMEOUT_MS);
  await expect(agent8.element.locator('[part~="caller-name"]')).toHaveText('Ana');
  const partyLeg = agent8.wire.incomingCallIds()[0]!;

  // What the agent sees, and what the media server did: a conference of the three legs.
  await expect(agent7.element.locator('[part~="participant-name"]')).toHaveText('agent8');
  await expect(agent7.element.locator('[part~="call-status"]')).toHaveText(/^In call with /);
  const added = (await agent7.events('sip-call-participant')).map((e) => e.detail.state);
  expect(added).toEqual(['adding', 'added']);
  await waitForTimelineEntry(agentLeg, entryOfType('conference-added'), 'agent8 added');
  const joined = await waitForTimelineEntry(
    visitorLeg,
    ofMember('conference-join', 'agent8', 'talker'),
    'agent8 joined the visitor’s call',
  );
  expect(joined.member).toBe(partyLeg);
  await agent7.screenshot('3-way call');

  // Each of the three legs hears each of the two others.
  const members = [caller, agent7, agent8];
  await expectOnlyHeard(caller, 'the visitor', members);
  await expectOnlyHeard(agent7, 'agent7', members);
  await expectOnlyHeard(agent8, 'agent8', members);
  for (const member of members) await setMuted(member, false);

  // Drop agent8 (REFER ;method=BYE): its call ends, the visitor and agent7 talk on.
  await agent7.button('Drop agent8').click();
  await agent8.expectEnded('hangup-remote');
  await expect(agent7.element.locator('[part~="participants"]')).toHaveCount(0);
  const drop = await waitForTimelineEntry(agentLeg, entryOfType('conference-drop'), 'dropped');
  expect(drop).toMatchObject({ target: 'agent8', member: partyLeg });
  const party = await findCall(partyLeg);
  expect(party?.timeline.find((e) => e.type === 'ended')?.reason).toBe('dropped');
  // Two talkers left: the conference went back to a bridge of the visitor and agent7.
  await waitForTimelineEntry(
    visitorLeg,
    (e) => e.type === 'bridge' && e.t >= drop.t && e.peerCallId === agentLeg,
    'the visitor bridged to agent7 again',
  );
  expect((await caller.call())?.state).toBe('active');
  expect((await agent7.call())?.state).toBe('active');
  await agent7.expectPacketsFlowingBothWays();
  await expectBursts(agent7, 'the visitor');
  await expectBursts(caller, 'agent7');

  await caller.button('Hang up').click();
  await agent7.expectEnded('hangup-remote');
});

test('listen-in: the supervisor hears both sides and is not heard; a plain agent is refused', async ({
  agent,
  visitor,
}) => {
  const agent7 = await agent('agent7');
  const agent8 = await agent('agent8');
  const supervisor = await agent('agent9');
  for (const phone of [agent7, agent8, supervisor]) await phone.expectRegistration('registered');
  // Only the supervisor's credentials carry the role, so only its phone offers listen-in.
  await expect(supervisor.element.locator('[part~="listen-form"]')).toBeVisible();
  await expect(agent8.element.locator('[part~="listen-form"]')).toHaveCount(0);

  // Nothing to listen to yet: refused, and no call is left behind.
  await supervisor.element.getByLabel('Listen to agent').fill('agent7');
  await supervisor.button('Listen in').click();
  const early = await supervisor.expectEnded('unavailable');
  expect(early.sipStatus).toBe(480);

  const caller = await visitor({ target: 'queue', 'display-name': 'Ana' });
  const { visitorLeg, agentLeg } = await queueCallTo(agent7, caller);

  const since = Date.now();
  await supervisor.button('Listen in').click();
  await supervisor.expectCallState('active', ANSWER_TIMEOUT_MS);
  const listenLeg = supervisor.wire.outgoingCallIds().at(-1)!;
  await waitForTimelineEntry(listenLeg, entryOfType('listen', { agent: 'agent7' }), 'listening');
  await waitForTimelineEntry(
    visitorLeg,
    ofMember('conference-join', 'agent9', 'listener'),
    'the supervisor joined as a listener',
  );
  // The visitor and agent7 saw nothing: no new call, no re-INVITE with a new party.
  expect(agent7.wire.incomingCallIds()).toEqual([agentLeg]);
  expect(caller.wire.outgoingCallIds()).toEqual([visitorLeg]);

  // The supervisor hears both sides...
  await expectOnlyHeard(caller, 'the visitor', [caller, agent7]);
  await expectBursts(supervisor, 'the visitor');
  await expectOnlyHeard(agent7, 'agent7', [caller, agent7]);
  await expectBursts(supervisor, 'agent7');
  // ...and is not heard: its microphone sends bursts all along, while with both of them
  // muted the visitor and agent7 hear nothing at all.
  await expect(supervisor.element.locator('[part~="mute"]')).toHaveAttribute(
    'aria-pressed',
    'false',
  );
  await setMuted(caller, true);
  await setMuted(agent7, true);
  await expectQuiet(caller, 'the supervisor is never mixed in');
  await expectQuiet(agent7, 'the supervisor is never mixed in');
  await setMuted(caller, false);
  await setMuted(agent7, false);
  await supervisor.screenshot('listening in');

  // A plain agent cannot listen in, even by asking its engine directly: 403 at the SBC,
  // and no media server saw the call.
  type Listening = { endCause?: string };
  await agent8.page.evaluate(() => {
    const phone = document.querySelector('sip-phone') as
      | (Element & { phone?: { listen(agent: string): Listening } })
      | null;
    (window as { listening?: Listening }).listening = phone?.phone?.listen('agent7');
  });
  await expect
    .poll(
      () => agent8.page.evaluate(() => (window as { listening?: Listening }).listening?.endCause),
      {
        message: "agent8's listen-in call ends",
        timeout: 20_000,
      },
    )
    .toBe('forbidden');
  const refusal = agent8.wire.responsesTo('INVITE').find((m) => m.status === 403);
  expect(refusal?.raw).toContain('Supervisors Only');
  const seen = await history(since);
  expect(seen.filter((call) => call.from.includes('sip:agent8@'))).toEqual([]);

  // The supervisor leaves; the media server's count of what it heard and what of it was
  // heard: both sides, and nothing.
  await supervisor.button('Hang up').click();
  const left = await waitForTimelineEntry(
    listenLeg,
    ofMember('conference-leave', 'agent9', 'listener'),
    'the supervisor left',
  );
  const heard = left.heard as Record<string, number>;
  expect(heard[visitorLeg]).toBeGreaterThan(0);
  expect(heard[agentLeg]).toBeGreaterThan(0);
  expect(left.mixedIn).toBe(0);
  expect(left.discarded).toBeGreaterThan(0);
  // Back to a bridge of the two, who still talk.
  await waitForTimelineEntry(
    visitorLeg,
    (e) => e.type === 'bridge' && e.t >= left.t,
    'the visitor bridged to agent7 again',
  );
  await agent7.expectPacketsFlowingBothWays();
  await expectBursts(caller, 'agent7');

  await caller.button('Hang up').click();
  await agent7.expectEnded('hangup-remote');
});
