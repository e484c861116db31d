// Issue 10: the media servers of the running lab, tried from outside the SBC. Their control
// API answers nothing without the token, refuses foreign Host names and sends no CORS
// headers; their SIP port ignores everyone but the SBC (calls through the SBC keep working,
// see calls.test.ts). The unit-level proofs are in backend/media/test/**/security*.ts.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { type IncomingHttpHeaders, type OutgoingHttpHeaders, request } from 'node:http';
import { test } from 'node:test';
import type { MediaApi } from '../../../testkit/media-api';
import { poll } from '../../../testkit/poll';
import { MEDIA_SERVERS, type MediaServerName } from '../../../testkit/topology';
import { DOMAIN, MEDIA_HTTP, mediaServerApi } from '../lib';
import { token } from './sbc-lib';

/** The media servers' SIP ports, by name (testkit/topology.json). */
const MEDIA_SIP = Object.fromEntries(MEDIA_SERVERS.map((server) => [server.name, server.sipPort]));

/** One HTTP request with chosen headers (fetch cannot forge Host). */
function get(
  port: number,
  path: string,
  headers: OutgoingHttpHeaders = {},
  method = 'GET',
): Promise<{ status: number | undefined; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function sipDropped(api: MediaApi): Promise<number> {
  return (await api.stats()).sipDropped.untrusted;
}

for (const [server, port] of Object.entries(MEDIA_HTTP) as [MediaServerName, number][]) {
  const api = mediaServerApi(server);
  test(`${server} API: 401 without the token on every kind of endpoint`, async () => {
    for (const [method, path] of [
      ['GET', '/calls'],
      ['GET', '/history?since=0'],
      ['GET', '/events'],
      ['GET', '/recordings'],
      ['GET', '/recordings/x.wav'],
      ['GET', '/stats'],
      ['POST', '/calls/x/hangup'],
      ['POST', '/calls/x/impair'],
    ]) {
      const res = await get(port, path, {}, method);
      assert.equal(res.status, 401, `${method} ${path}`);
      const wrong = await get(port, path, { authorization: `Bearer ${'1'.repeat(64)}` }, method);
      assert.equal(wrong.status, 401, `${method} ${path} with a wrong token`);
    }
    assert.equal((await api.fetch('/calls')).status, 200);
  });

  test(`${server} API: a foreign Host gets 421 and no origin gets CORS headers`, async () => {
    // Raw requests with the token (MediaApi's header) and a forged Host or an Origin.
    const rebound = await get(port, '/calls', { ...api.headers, host: `attacker.example:${port}` });
    assert.equal(rebound.status, 421);
    const cross = await get(port, '/calls', { ...api.headers, origin: 'http://attacker.example' });
    assert.equal(cross.status, 200);
    assert.equal(cross.headers['access-control-allow-origin'], undefined);
  });

  test(`${server} SIP: a direct INVITE from a non-SBC address is ignored`, async () => {
    const before = await sipDropped(api);
    const socket = createSocket('udp4');
    const replies: string[] = [];
    socket.on('message', (data) => replies.push(data.toString()));
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const local = `127.0.0.1:${socket.address().port}`;
    const callId = `direct-${token()}`;
    const sdp =
      'v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\n';
    const invite = [
      `INVITE sip:echo@127.0.0.1:${MEDIA_SIP[server]} SIP/2.0`,
      `Via: SIP/2.0/UDP ${local};branch=z9hG4bK${token()}`,
      'Max-Forwards: 70',
      `From: <sip:intruder@${DOMAIN}>;tag=${token()}`,
      `To: <sip:echo@${DOMAIN}>`,
      `Call-ID: ${callId}`,
      'CSeq: 1 INVITE',
      `Contact: <sip:intruder@${local}>`,
      'Content-Type: application/sdp',
      `Content-Length: ${sdp.length}`,
      '',
      sdp,
    ].join('\r\n');
    try {
      socket.send(invite, MEDIA_SIP[server], '127.0.0.1');
      await poll(async () => (await sipDropped(api)) > before, {
        what: `${server} counting the direct INVITE as untrusted`,
      });
      assert.deepEqual(replies, []);
      const calls = await api.calls();
      assert.ok(!calls.some((call) => call.callId === callId), 'the direct INVITE created a call');
    } finally {
      socket.close();
    }
  });
}
