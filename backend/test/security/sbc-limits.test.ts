// Issue 10: oversize and header-stuffed messages are dropped early (nothing behind the SBC
// ever parses them), and a visitor cannot hold more than two calls at once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALLOWED_ORIGINS } from '../../../testkit/topology';
import { DOMAIN, ephemeral, options, SBC, websocket } from '../lib';
import {
  type Call,
  finalResponse,
  placeCall,
  rtpFlows,
  type SipEndpoint,
  statusOf,
  token,
  udpEndpoint,
} from './sbc-lib';

async function answerTo(extra: readonly string[]): Promise<number | null> {
  const client = await udpEndpoint();
  try {
    const callId = `size-${token()}`;
    await client.send(options({ callId, extra }));
    const reply = await client.waitFor(finalResponse(callId, 'OPTIONS'), { timeoutMs: 1500 });
    return reply ? statusOf(reply) : null;
  } finally {
    client.close();
  }
}

test('a normal keepalive is answered (baseline for the size tests)', async () => {
  assert.equal(await answerTo([`X-Pad: ${'a'.repeat(2000)}`]), 200);
});

test('a 20 KB message (one header of whitespace) is dropped unanswered, and the SBC keeps serving', async () => {
  assert.equal(await answerTo([`Subject: x${' '.repeat(20_000)}x`]), null);
  assert.equal(await answerTo([]), 200);
});

test('a 60 KB pathological header is dropped unanswered within a second', async () => {
  const started = Date.now();
  assert.equal(await answerTo([`To-Stuff: <${' \t'.repeat(30_000)}>`]), null);
  assert.ok(Date.now() - started < 2000);
  assert.equal(await answerTo([]), 200);
});

test('a message with hundreds of small headers (under the size cap) is dropped', async () => {
  const stuffed = Array.from({ length: 300 }, (_, i) => `X-${i}: y`);
  assert.equal(await answerTo(stuffed), null);
});

test('a message with a stack of 20 Vias is dropped', async () => {
  const vias = Array.from(
    { length: 20 },
    (_, i) => `Via: SIP/2.0/UDP 192.0.2.${i}:5060;branch=z9hG4bK${i}`,
  );
  assert.equal(await answerTo(vias), null);
});

test('a 12 KB message over WSS is dropped, the WebSocket keeps working', async () => {
  const { status, ws } = await websocket(ALLOWED_ORIGINS[0]);
  assert.equal(status, 101);
  try {
    const big = `OPTIONS sip:${SBC.host}:${SBC.wssPort} SIP/2.0\r\nVia: SIP/2.0/WSS x.invalid;branch=z9hG4bK${token()}\r\nMax-Forwards: 70\r\nFrom: <sip:probe@${DOMAIN}>;tag=1\r\nTo: <sip:${SBC.host}>\r\nCall-ID: big-${token()}\r\nCSeq: 1 OPTIONS\r\nX-Pad: ${'p'.repeat(12_000)}\r\nContent-Length: 0\r\n\r\n`;
    ws.send(big);
    const small = big.replace(/X-Pad: p+\r\n/, '').replace(/Call-ID: big-/, 'Call-ID: small-');
    ws.send(small);
    // The only answer is the one to the small keepalive.
    const reply = await ws.next();
    assert.match(reply, /^SIP\/2\.0 200/);
    assert.match(reply, /Call-ID: small-/);
  } finally {
    ws.close();
  }
});

test("a visitor's third concurrent call is refused (403), the first two are unaffected", async () => {
  const visitor = `visitor-${token()}`;
  const credentials = ephemeral(visitor);
  const calls: Call[] = [];
  const rtps: SipEndpoint[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      const rtp = await udpEndpoint();
      rtps.push(rtp);
      calls.push(await placeCall({ caller: visitor, service: 'music', credentials, rtp }));
    }
    // A BYE for the first call from another socket is not relayed, and must not make
    // the dialog (and its place in the count) go away while the call goes on.
    const other = await udpEndpoint();
    try {
      assert.notEqual(await calls[0].status('BYE', { from: other }), 200);
    } finally {
      other.close();
    }
    const rtp = await udpEndpoint();
    rtps.push(rtp);
    await assert.rejects(
      placeCall({ caller: visitor, service: 'music', credentials, rtp }),
      /call not answered: SIP\/2\.0 403/,
    );
    assert.ok(await rtpFlows(rtps[0]), 'first call lost its media');
    assert.ok(await rtpFlows(rtps[1]), 'second call lost its media');
    // Once a call ends, the visitor may call again.
    const ended = calls.shift()!; // the first of the two calls above
    assert.equal(await ended.status('BYE'), 200);
    ended.close();
    calls.push(await placeCall({ caller: visitor, service: 'music', credentials, rtp }));
  } finally {
    for (const call of calls) {
      await call.status('BYE');
      call.close();
    }
    for (const rtp of rtps) rtp.close();
  }
});

test("an agent's fifth concurrent call is refused (403)", async () => {
  const agent = 'agent9';
  const credentials = ephemeral(agent);
  const calls: Call[] = [];
  const rtps: SipEndpoint[] = [];
  try {
    for (let i = 0; i < 4; i++) {
      const rtp = await udpEndpoint();
      rtps.push(rtp);
      calls.push(await placeCall({ caller: agent, service: 'echo', credentials, rtp }));
    }
    const rtp = await udpEndpoint();
    rtps.push(rtp);
    await assert.rejects(
      placeCall({ caller: agent, service: 'echo', credentials, rtp }),
      /call not answered: SIP\/2\.0 403/,
    );
  } finally {
    for (const call of calls) {
      await call.status('BYE');
      call.close();
    }
    for (const rtp of rtps) rtp.close();
  }
});
