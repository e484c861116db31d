import { expect, test } from '../support/fixtures';
import { connectionBindings } from '../support/lab';
import { entryOfType, findCall, waitForTimelineEntry } from '../support/media-server';
import type { SipMessage } from '../support/sip-wire';

/** The user of the first SIP URI in a header value (`<sip:visitor-1@helpline.test>;tag=…`). */
const userOf = (value: string): string => /sips?:([^@;>]+)@/.exec(value)?.[1] ?? '';

/** Out of a dialog: no To tag (a re-INVITE has one). */
const outOfDialog = (m: SipMessage): boolean => !/;\s*tag=/i.test(m.to);

test("a visitor who hovered before clicking: the connection proved the visitor's credentials, and the call goes out as one INVITE that is never challenged", async ({
  visitor,
}) => {
  const widget = await visitor({ target: 'echo' });
  await expect(widget.element).toHaveAttribute('state', 'idle');

  // Intent: the engine connects and proves the credentials on the new connection, an
  // OPTIONS to the visitor's own address (src/engine/connection-proof.ts).
  await widget.launcher.hover();
  const proofReplies = () =>
    widget.wire.responsesTo('OPTIONS').filter((m) => !m.callId.startsWith('keepalive-'));
  await expect
    .poll(() => proofReplies().map((m) => m.status), { intervals: [50] })
    .toEqual([407, 200]);
  const proof = widget.wire
    .sentRequests('OPTIONS')
    .filter((m) => m.callId === proofReplies()[0]!.callId);
  expect(proof).toHaveLength(2);
  const user = userOf(proof[0]!.from);
  expect(user).toMatch(/^visitor-/);
  expect(userOf(proof[0]!.raw.split('\r\n')[0]!)).toBe(user);
  // Kamailio bound this connection to the visitor's credentials.
  expect(await connectionBindings(user)).toHaveLength(1);

  await widget.launcher.click();
  await widget.expectCallState('active');
  const callId = await widget.outgoingCallId();

  // One INVITE for the call, from that visitor, and no challenge for it.
  const invites = widget.wire.sentRequests('INVITE').filter((m) => m.callId === callId);
  expect(invites.filter(outOfDialog)).toHaveLength(1);
  expect(userOf(invites[0]!.from)).toBe(user);
  expect(invites[0]!.raw).not.toMatch(/^Proxy-Authorization:/im);
  const statuses = widget.wire
    .responsesTo('INVITE')
    .filter((m) => m.callId === callId)
    .map((m) => m.status);
  expect(statuses).not.toContain(407);
  expect(statuses).not.toContain(401);
  expect(statuses).toContain(200);

  // The media server answered that call, from that visitor, and its audio is heard.
  await waitForTimelineEntry(callId, entryOfType('answered'), 'answered');
  expect((await findCall(callId))?.from).toContain(`${user}@`);
  await widget.expectInboundAudio();

  await widget.button('Hang up').click();
  await widget.expectEnded('hangup-local');
  await waitForTimelineEntry(callId, entryOfType('ended'), 'call ended on the server');
});
