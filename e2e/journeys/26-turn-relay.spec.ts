/**
 * Journey 26 (issue 15, "TURN relay for blocked networks"): a visitor behind a firewall
 * that drops all UDP still gets through. The credentials service hands the widget a TURN
 * relay (backend/coturn) with the SIP credentials; the browser's host candidates and the
 * relay over UDP go nowhere, TURN over TLS works, and the call to `echo` connects through
 * it with audio both ways, though the offer left before the relay was allocated (rtpengine
 * learns it from the browser's checks). Both sides say so: the widget's quality sample and report
 * (`relay: true`, `relayProtocol: 'tls'`), and coturn's log (the visitor's TLS session,
 * its allocation, the packets it relayed both ways).
 */
import { expect, test } from '../support/fixtures';
import {
  entryOfType,
  expectServerPacketsRising,
  waitForTimelineEntry,
} from '../support/media-server';
import { callReports, nextSamples, recordQualityEvents } from '../support/quality-events';
import { blockBrowserUdp, coturnLog, type UdpBlock } from '../support/turn';

let udp: UdpBlock | undefined;

test.afterEach(async () => {
  await udp?.remove();
  udp = undefined;
});

/** `visitor-ab12` from the INVITE's From (`<sip:visitor-ab12@helpline.test>;tag=…`). */
function userOf(from: string): string {
  const user = /<?sips?:([^@>;]+)@/.exec(from)?.[1];
  if (!user) throw new Error(`no SIP user in From: ${from}`);
  return user;
}

/** coturn's `peer usage` line of the visitor's session: what it relayed to and from rtpengine. */
function peerUsage(lines: string[], session: string): { received: number; sent: number } | null {
  const line = lines.find((l) => l.includes(`session ${session}: peer usage:`));
  const match = /rp=(\d+), rb=\d+, sp=(\d+)/.exec(line ?? '');
  return match ? { received: Number(match[1]), sent: Number(match[2]) } : null;
}

test('UDP blocked: a call to echo goes through the TURN relay over TLS, audio both ways', async ({
  visitor,
}) => {
  test.setTimeout(90_000);
  const startedAt = Date.now();
  udp = await blockBrowserUdp();
  const widget = await visitor({ target: 'echo' }, { prepare: recordQualityEvents });
  await widget.launcher.click();
  await widget.expectCallState('active');
  const callId = await widget.outgoingCallId();
  const invite = widget.wire.sentRequests('INVITE')[0]!;
  const user = userOf(invite.from);
  // The offer left with the host candidates only, without waiting for the TURN allocation:
  // rtpengine learned the relay from the browser's checks (src/engine/ice.ts).
  expect(invite.raw, 'the INVITE offered host candidates').toMatch(/a=candidate:.* typ host/);
  expect(invite.raw, 'the INVITE did not wait for the relay').not.toMatch(/ typ relay/);

  // Audio both ways: the echo service's intro and echo reach the widget, the widget's
  // microphone reaches the server, and the server counts RTP in and out.
  await waitForTimelineEntry(callId, entryOfType('echo-started'), 'echo started', 15_000);
  await widget.expectInboundAudio();
  await widget.expectPacketsFlowingBothWays();
  await expectServerPacketsRising(callId);
  // The firewall really was in the way: the browser tried UDP (host candidates, TURN over
  // UDP) and every such packet was dropped.
  expect(await udp.dropped(), 'browser UDP packets dropped').toBeGreaterThan(0);

  // The widget's view: a sample taken now says the media goes through the relay over TLS.
  const pageNow = await widget.page.evaluate(() => Date.now());
  const [sample] = await nextSamples(widget.page, 1, pageNow);
  expect(sample!.path).toMatchObject({ localType: 'relay', relay: true, relayProtocol: 'tls' });

  await widget.button('Hang up').click();
  await waitForTimelineEntry(callId, entryOfType('ended'), 'ended');
  await expect
    .poll(async () => (await callReports(widget.page)).length, { intervals: [200] })
    .toBe(1);
  const [report] = await callReports(widget.page);
  expect(report!.path).toMatchObject({ localType: 'relay', relay: true, relayProtocol: 'tls' });

  // coturn's view: the visitor's session came over TLS on the TLS listener, allocated a
  // relay, and once the browser let go, its usage shows the call's packets relayed both
  // ways between the browser and rtpengine.
  const sessionOf = new RegExp(
    `session (\\d+): new, realm=<helpline\\.test>, username=<\\d+:${user}>, .*method=TLS`,
  );
  let session: string | undefined;
  await expect
    .poll(
      async () => {
        const lines = await coturnLog(startedAt);
        session ??= lines.map((l) => sessionOf.exec(l)?.[1]).find(Boolean);
        return session ? peerUsage(lines, session) : null;
      },
      {
        message: `coturn's TLS session and relay usage of ${user}`,
        timeout: 20_000,
        intervals: [500],
      },
    )
    .toEqual({ received: expect.any(Number), sent: expect.any(Number) });
  const lines = await coturnLog(startedAt);
  expect(
    lines.some(
      (l) => l.includes(`session ${session}:`) && l.includes('ALLOCATE processed, success'),
    ),
    `coturn allocated for session ${session}`,
  ).toBe(true);
  const usage = peerUsage(lines, session!)!;
  // Seconds of 20 ms packets each way (the call lasted several seconds).
  expect(usage.received, 'packets from rtpengine relayed').toBeGreaterThan(100);
  expect(usage.sent, 'packets to rtpengine relayed').toBeGreaterThan(100);
});
