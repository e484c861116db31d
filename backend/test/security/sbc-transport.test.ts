// Issue 10: what the public WSS port accepts. TLS 1.2 only with forward secrecy and AEAD
// suites; no raw SIP over TLS (it would skip the WebSocket handshake and its Origin
// check); and a WebSocket client never gains the media farm's trust by picking the
// media server's address and port as its own.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ConnectionOptions, connect } from 'node:tls';
import { ALLOWED_ORIGINS, MEDIA_SERVERS } from '../../../testkit/topology';
import { CA, DOMAIN, SBC, websocket } from '../lib';
import { statusOf, token } from './sbc-lib';

/** Resolves with the negotiated cipher name, or the handshake error's message. */
function handshake(options: ConnectionOptions): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: SBC.host, port: SBC.wssPort, ca: CA, ...options }, () => {
      const { name } = socket.getCipher();
      socket.end();
      resolve(name);
    });
    socket.on('error', (error: NodeJS.ErrnoException) =>
      resolve(`error: ${error.code ?? error.message}`),
    );
    socket.setTimeout(5000, () => {
      socket.destroy();
      resolve('error: timeout');
    });
  });
}

test('TLS 1.2 with an ECDHE + AEAD suite is accepted', async () => {
  const name = await handshake({ maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' });
  assert.equal(name, 'ECDHE-RSA-AES128-GCM-SHA256');
});

for (const cipher of [
  'AES256-GCM-SHA384',
  'AES128-SHA256',
  'ECDHE-RSA-AES128-SHA256',
  'ECDHE-RSA-AES256-SHA',
]) {
  test(`TLS 1.2 suite ${cipher} (no forward secrecy or no AEAD) is refused`, async () => {
    const name = await handshake({ maxVersion: 'TLSv1.2', ciphers: cipher });
    assert.match(name, /^error: /, `negotiated ${name}`);
  });
}

test('TLS 1.1 is refused', async () => {
  const name = await handshake({
    minVersion: 'TLSv1',
    maxVersion: 'TLSv1.1',
    ciphers: 'DEFAULT@SECLEVEL=0',
  });
  assert.match(name, /^error: /, `negotiated ${name}`);
});

test('TLS 1.3 is accepted', async () => {
  const name = await handshake({ minVersion: 'TLSv1.3' });
  assert.match(name, /^TLS_/);
});

test('raw SIP over TLS on the WSS port (no WebSocket handshake) gets no SIP answer', async () => {
  const reply = await new Promise<string | null>((resolve) => {
    const socket = connect({ host: SBC.host, port: SBC.wssPort, ca: CA }, () => {
      const callId = token();
      socket.write(
        [
          `REGISTER sip:${DOMAIN} SIP/2.0`,
          `Via: SIP/2.0/TLS 127.0.0.1:${socket.localPort};branch=z9hG4bK${token()}`,
          'Max-Forwards: 70',
          `From: <sip:agent1@${DOMAIN}>;tag=${callId}`,
          `To: <sip:agent1@${DOMAIN}>`,
          `Call-ID: ${callId}`,
          'CSeq: 1 REGISTER',
          `Contact: <sip:agent1@127.0.0.1:${socket.localPort};transport=tls>`,
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n'),
      );
    });
    let data = '';
    socket.on('data', (chunk) => {
      data += chunk;
      // Any SIP status line is an answer (before the fix: 401 with a challenge).
      if (/^SIP\/2\.0 \d{3}/.test(data)) {
        socket.destroy();
        resolve(data);
      }
    });
    // The SBC closes the connection: the conclusive "no".
    socket.on('close', () => resolve(data || null));
    socket.on('error', () => resolve(data || null));
    socket.setTimeout(5000, () => {
      socket.destroy();
      resolve(data ? data : 'still open after 5 s');
    });
  });
  assert.equal(reply, null, `answered: ${reply}`);
});

test("a WebSocket from the media server's address and port is not trusted (challenged)", async () => {
  // The lab's media1 speaks SIP on UDP 127.0.0.1:5071; TCP port 5071 is free for a
  // client to bind. Trust by address must not extend to the public port.
  const media1 = MEDIA_SERVERS.find((server) => server.name === 'media1')!;
  const { status, ws } = await websocket(ALLOWED_ORIGINS[0], { localPort: media1.sipPort });
  assert.equal(status, 101);
  try {
    const callId = token();
    ws.send(
      [
        `INVITE sip:agent1@${DOMAIN} SIP/2.0`,
        `Via: SIP/2.0/WSS ${token()}.invalid;branch=z9hG4bK${token()}`,
        'Max-Forwards: 70',
        `From: <sip:visitor-x@${DOMAIN}>;tag=${callId}`,
        `To: <sip:agent1@${DOMAIN}>`,
        `Call-ID: ${callId}`,
        'CSeq: 1 INVITE',
        `Contact: <sip:x@${token()}.invalid;transport=ws>`,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
    let reply = await ws.next();
    while (statusOf(reply) === 100) reply = await ws.next();
    assert.equal(statusOf(reply), 407, reply);
  } finally {
    ws.close();
  }
});
