// Issue 10 (low): topology hiding. A browser must not learn the addresses behind the SBC
// (media servers, internal SIP listener, other users' SIP endpoints) from the Via,
// Record-Route and Contact headers of what it receives.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALLOWED_ORIGINS } from '../../../testkit/topology';
import { ephemeral, SBC, websocket } from '../lib';
import { header, placeCall, registerOverWebSocket, token, udpEndpoint } from './sbc-lib';

test("a call to a browser shows it neither the caller's SIP address nor the internal listener", async () => {
  const { status, ws } = await websocket(ALLOWED_ORIGINS[0]);
  assert.equal(status, 101);
  const caller = await udpEndpoint();
  const rtp = await udpEndpoint();
  try {
    const callee = 'agent7';
    const registered = await registerOverWebSocket(
      ws,
      callee,
      ephemeral(callee),
      `${token()}.invalid`,
    );
    assert.match(registered, /^SIP\/2\.0 200/);

    const call = placeCall({
      caller: 'agent1',
      service: callee,
      credentials: ephemeral('agent1'),
      rtp,
      ua: caller,
    });
    let invite = await ws.next(5000);
    while (!invite.startsWith('INVITE ')) invite = await ws.next(5000);
    const head = invite.slice(0, invite.indexOf('\r\n\r\n'));
    // Busy: the caller's INVITE transaction ends, nothing else is needed from the browser.
    const vias = head.split('\r\n').filter((line) => /^Via:/i.test(line));
    ws.send(
      [
        'SIP/2.0 486 Busy Here',
        ...vias,
        `From: ${header(invite, 'From')}`,
        `To: ${header(invite, 'To')};tag=${token()}`,
        `Call-ID: ${header(invite, 'Call-ID')}`,
        `CSeq: ${header(invite, 'CSeq')}`,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
    await assert.rejects(call, /call not answered: SIP\/2\.0 486/);

    assert.ok(!head.includes(`:${caller.port}`), `the caller's address shows:\n${head}`);
    assert.ok(
      !head.includes(`${SBC.host}:${SBC.sipPort}`),
      `the internal listener shows:\n${head}`,
    );
  } finally {
    ws.close();
    caller.close();
    rtp.close();
  }
});
