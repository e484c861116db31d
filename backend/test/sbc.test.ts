// The SBC's edges: health endpoint, WebSocket handshake policy, SIP over WSS with
// NAT handling, and robustness against malformed SIP.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { ALLOWED_ORIGINS, DEMO } from '../../testkit/topology';
import { DOMAIN, ephemeral, kamcmd, options, SBC, sipRequest, websocket } from './lib';
import { registerOverWebSocket } from './security/sbc-lib';

test(`GET /health on ${SBC.healthPort} answers 200 JSON with the region`, async () => {
  const res = await fetch(`http://${SBC.host}:${SBC.healthPort}/health`);
  assert.equal(res.status, 200);
  const body = (await res.json()) as { status: string; region: string };
  assert.equal(body.status, 'ok');
  assert.equal(body.region, process.env.REGION ?? 'local');
});

test('WebSocket handshake from an allowed Origin gets 101', async () => {
  const { status, acceptValid, ws } = await websocket(ALLOWED_ORIGINS[0]);
  ws.close();
  assert.equal(status, 101);
  assert.ok(acceptValid, 'Sec-WebSocket-Accept does not match the key');
});

test('WebSocket handshake from a foreign Origin is refused (403)', async () => {
  const { status, ws } = await websocket('https://evil.example');
  ws.close();
  assert.equal(status, 403);
});

test('WebSocket handshake without an Origin is refused (403)', async () => {
  const { status, ws } = await websocket(null);
  ws.close();
  assert.equal(status, 403);
});

test('REGISTER over WSS: challenged, then 200 with the NATed contact', async () => {
  const { status, ws } = await websocket(DEMO.origin);
  assert.equal(status, 101);
  try {
    const user = 'agent7';
    // Browsers put a made-up host in Contact; the SBC must route to the socket instead.
    const contactHost = `${randomBytes(4).toString('hex')}.invalid`;
    // It answers the 401's challenge: without one it could not register at all.
    const ok = await registerOverWebSocket(ws, user, ephemeral(user), contactHost);
    assert.match(ok, /^SIP\/2\.0 200/);
    assert.ok(ok.includes(`<sip:${user}@${contactHost};transport=ws>`), ok);
    const location = await kamcmd('ul.lookup', 'location', `${user}@${DOMAIN}`);
    assert.match(location, /Received: sip:127\.0\.0\.1:\d+;transport=ws/);
    assert.ok(location.includes(`Socket: tls:${SBC.host}:${SBC.wssPort}`), location);
    // Leave nothing behind: a later suite's queue call would find this contact.
    const gone = await registerOverWebSocket(ws, user, ephemeral(user), contactHost, ';expires=0');
    assert.match(gone, /^SIP\/2\.0 200/);
  } finally {
    ws.close();
  }
});

const malformed = {
  'a non-numeric CSeq': 'CSeq: abc INVITE',
  'a CSeq method that differs from the request': 'CSeq: 1 BYE',
};

for (const [what, cseq] of Object.entries(malformed)) {
  test(`SIP with ${what} gets 400 and the SBC keeps serving`, async () => {
    const message = [
      `INVITE sip:echo@${DOMAIN} SIP/2.0`,
      `Via: SIP/2.0/UDP LOCAL;branch=z9hG4bK${randomBytes(6).toString('hex')}`,
      'Max-Forwards: 70',
      `From: <sip:agent1@${DOMAIN}>;tag=1`,
      `To: <sip:echo@${DOMAIN}>`,
      `Call-ID: ${randomBytes(8).toString('hex')}`,
      cseq,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    assert.equal(await sipRequest(message), 400);
    assert.equal(await sipRequest(options()), 200);
  });
}

test('a message that is not SIP at all is dropped and the SBC keeps serving', async () => {
  assert.equal(await sipRequest(`${randomBytes(200).toString('base64')}\r\n\r\n`), null);
  assert.equal(await sipRequest(options()), 200);
});
