// Issue 16, "no 407 round trip per call": a WebSocket connection that proved its
// credentials once (a REGISTER, or its first INVITE) is bound to them, and its later calls
// from the same user go out without a digest challenge (kamailio.cfg, route[CONNECTION_USER]).
// Safe only if the binding goes no further: another connection, another From user, or
// credentials past their expiry are challenged as before; a visitor's role still limits
// every call; a closed connection takes its binding with it. A visitor, which does not
// register, proves its credentials before its first call with an OPTIONS to its own address
// (src/engine/connection-proof.ts): challenged, bound, and answered by the SBC itself,
// reaching nothing behind it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EphemeralCredentials } from '../../../testkit/ephemeral';
import { poll } from '../../../testkit/poll';
import { ALLOWED_ORIGINS } from '../../../testkit/topology';
import { DOMAIN, ephemeral, kamcmd, mediaHistory, websocket } from '../lib';
import {
  digest,
  finalResponse,
  header,
  placeCall,
  registerOverWebSocket,
  type SipEndpoint,
  statusOf,
  token,
  udpEndpoint,
  webSocketEndpoint,
} from './sbc-lib';

const ORIGIN = ALLOWED_ORIGINS[0];

/** A WebSocket to the SBC as a SIP endpoint (sbc-lib webSocketEndpoint()). */
async function connection(): Promise<SipEndpoint> {
  const { status, ws } = await websocket(ORIGIN);
  assert.equal(status, 101);
  return webSocketEndpoint(ws);
}

/**
 * A WebSocket on which `user` registered with `credentials`, as a phone does, as a SIP
 * endpoint; close() unregisters (on a connection of its own) and closes it.
 */
async function registeredConnection(
  user: string,
  credentials: EphemeralCredentials,
): Promise<{ ua: SipEndpoint; close(): Promise<void> }> {
  const { status, ws } = await websocket(ORIGIN);
  assert.equal(status, 101);
  const contactHost = `${token()}.invalid`;
  const reply = await registerOverWebSocket(ws, user, credentials, contactHost);
  const ua = webSocketEndpoint(ws);
  if (!reply.startsWith('SIP/2.0 200')) {
    ua.close();
    assert.fail(`REGISTER refused: ${reply}`);
  }
  return {
    ua,
    async close() {
      ua.close();
      const again = await websocket(ORIGIN);
      await registerOverWebSocket(again.ws, user, credentials, contactHost, ';expires=0');
      again.ws.close();
    },
  };
}

/** A binding Kamailio holds (htable wsauth): the connection's address, id and credentials. */
interface Binding {
  address: string;
  conid: number;
  /** The credentials' username, "<expiry>:<user>[:role]". */
  username: string;
}

/** The binding of `user`'s credentials to a connection, if Kamailio holds one. */
async function bindingOf(user: string): Promise<Binding | undefined> {
  const dump = await kamcmd('htable.dump', 'wsauth');
  for (const [, address, conid, username] of dump.matchAll(/name: (\S+)\s+value: (\d+)\|(\S+)/g)) {
    if (username?.split(':')[1] === user)
      return { address: address!, conid: Number(conid), username: username! };
  }
  return undefined;
}

/**
 * One out-of-dialog request (no body) from `caller` to `target` on `ua`, with
 * `authorization` (Proxy-Authorization) and `extra` header lines if given; resolves with the
 * final reply (null: none within 3 s).
 */
async function request(
  ua: SipEndpoint,
  method: string,
  caller: string,
  target: string,
  {
    callId = `${method.toLowerCase()}-${token()}`,
    authorization,
    extra = [],
  }: { callId?: string; authorization?: string; extra?: string[] } = {},
): Promise<string | null> {
  const mark = ua.received.length;
  await ua.send(
    [
      `${method} ${target} SIP/2.0`,
      `Via: SIP/2.0/UDP LOCAL;rport;branch=z9hG4bK${token()}`,
      'Max-Forwards: 70',
      `From: <sip:${caller}@${DOMAIN}>;tag=${token()}`,
      `To: <${target}>`,
      `Call-ID: ${callId}`,
      `CSeq: 1 ${method}`,
      `Contact: <sip:${caller}@LOCAL>`,
      ...(authorization ? [`Proxy-Authorization: ${authorization}`] : []),
      ...extra,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  );
  return ua.waitFor(finalResponse(callId, method), { start: mark });
}

/** One INVITE (no body): request() for INVITE. */
function invite(
  ua: SipEndpoint,
  caller: string,
  target: string,
  options: { callId?: string; authorization?: string } = {},
): Promise<string | null> {
  return request(ua, 'INVITE', caller, target, options);
}

/** A call from `caller` on `ua` to the echo service, hung up once answered (see placeCall()). */
async function echoCall(ua: SipEndpoint, caller: string, challenged: boolean, ttl = 600) {
  const rtp = await udpEndpoint();
  try {
    const call = await placeCall({
      ua,
      caller,
      service: 'echo',
      credentials: ephemeral(caller, { ttl }),
      rtp,
      challenged,
    });
    assert.equal(await call.status('BYE'), 200);
    return call;
  } finally {
    rtp.close();
  }
}

test('after a REGISTER on a WebSocket, a call from the same user on it is answered without a 407', async () => {
  const agent = `agent-${token()}`;
  const credentials = ephemeral(agent);
  const phone = await registeredConnection(agent, credentials);
  const { ua } = phone;
  const since = Date.now();
  try {
    // Kamailio bound this connection (our TLS socket's port) to the credentials.
    const binding = await bindingOf(agent);
    assert.equal(binding?.username, credentials.username);
    assert.equal(binding?.address, `127.0.0.1:${ua.port}`);

    // placeCall() with challenged: false fails on a 407 (or anything but a 200).
    const call = await echoCall(ua, agent, false);
    const replies = ua.received.filter((m) => header(m.text, 'Call-ID') === call.callId);
    assert.deepEqual(
      replies.map((m) => statusOf(m.text)).filter((s) => s === 401 || s === 407),
      [],
    );
    // The media server answered that call, from that user.
    const served = await poll(
      async () => (await mediaHistory(since)).find((c) => c.callId === call.callId),
      { what: 'the call on the media server' },
    );
    assert.match(served?.from ?? '', new RegExp(`${agent}@`));
    assert.notEqual(served?.answeredAt ?? null, null);
  } finally {
    await phone.close();
  }
});

test('the same user on another connection, without credentials, is still challenged', async () => {
  const agent = `agent-${token()}`;
  const phone = await registeredConnection(agent, ephemeral(agent));
  const other = await connection();
  try {
    assert.ok(await bindingOf(agent), 'the first connection is bound');
    const reply = await invite(other, agent, `sip:echo@${DOMAIN}`);
    assert.equal(statusOf(reply), 407, String(reply));
  } finally {
    await phone.close();
    other.close();
  }
});

test('another From user on a bound connection is challenged, and never runs as the bound user', async () => {
  const visitor = `visitor-${token()}`;
  const ua = await connection();
  const since = Date.now();
  try {
    await echoCall(ua, visitor, true);
    assert.ok(await bindingOf(visitor), 'the connection is bound to the visitor');

    const impostor = `visitor-${token()}`;
    const callId = `impostor-${token()}`;
    const challenge = await invite(ua, impostor, `sip:echo@${DOMAIN}`, { callId });
    assert.equal(statusOf(challenge), 407, String(challenge));
    // Answered with the bound user's own credentials: still not the caller it claims to be.
    const authorization = digest(header(challenge, 'Proxy-Authenticate'), {
      method: 'INVITE',
      uri: `sip:echo@${DOMAIN}`,
      ...ephemeral(visitor),
    });
    const refused = await invite(ua, impostor, `sip:echo@${DOMAIN}`, { callId, authorization });
    assert.match(refused ?? '', /^SIP\/2\.0 403 Forbidden From Identity/);
    // Nothing of it reached the media farm, and the binding is still the visitor's.
    assert.equal((await mediaHistory(since)).filter((c) => c.callId === callId).length, 0);
    assert.equal((await bindingOf(visitor))?.username.split(':')[1], visitor);
  } finally {
    ua.close();
  }
});

test("a visitor's bound connection still reaches only the service numbers", async () => {
  const visitor = `visitor-${token()}`;
  const ua = await connection();
  try {
    // The first call proves the credentials (challenged); the binding then stands for them.
    await echoCall(ua, visitor, true);
    assert.ok(await bindingOf(visitor), 'the connection is bound to the visitor');
    const refusals: Record<string, RegExp> = {
      [`sip:agent1@${DOMAIN}`]: /^SIP\/2\.0 403 Not Allowed For Visitors/,
      [`sip:listen-agent1@${DOMAIN}`]: /^SIP\/2\.0 403 Supervisors Only/,
      'sip:someone@example.com': /^SIP\/2\.0 403 Relaying Forbidden/,
    };
    for (const [target, refusal] of Object.entries(refusals)) {
      const reply = await invite(ua, visitor, target);
      assert.match(reply ?? 'no reply', refusal, `${target}: ${reply}`);
    }
    // The refusals were the role's, not a lost binding: a service number is still answered
    // without a challenge.
    await echoCall(ua, visitor, false);
  } finally {
    ua.close();
  }
});

test("a bound connection keeps its credentials' role: a supervisor's listens in, a plain agent's does not", async () => {
  const cases: [string | undefined, RegExp][] = [
    ['supervisor', /^SIP\/2\.0 480 /],
    [undefined, /^SIP\/2\.0 403 Supervisors Only/],
  ];
  for (const [role, expected] of cases) {
    const user = `agent-${token()}`;
    const credentials = ephemeral(user, { role });
    const phone = await registeredConnection(user, credentials);
    try {
      assert.equal((await bindingOf(user))?.username, credentials.username);
      const reply = await invite(phone.ua, user, `sip:listen-agent7@${DOMAIN}`);
      assert.match(reply ?? 'no reply', expected, `${role ?? 'plain'}: ${reply}`);
    } finally {
      await phone.close();
    }
  }
});

test("after the credentials' expiry the binding no longer holds: challenged again", async () => {
  const visitor = `visitor-${token()}`;
  const ua = await connection();
  try {
    await echoCall(ua, visitor, true, 5);
    const binding = await bindingOf(visitor);
    assert.ok(binding, 'the connection is bound to the visitor');
    const expiry = Number(binding.username.split(':')[0]);
    // The condition itself: the clock passes the credentials' expiry.
    await poll(() => Date.now() / 1000 >= expiry, {
      what: "the credentials' expiry",
      timeoutMs: 15_000,
    });
    const reply = await invite(ua, visitor, `sip:echo@${DOMAIN}`);
    assert.equal(statusOf(reply), 407, String(reply));
  } finally {
    ua.close();
  }
});

test('a closed connection takes its binding with it', async () => {
  const visitor = `visitor-${token()}`;
  const ua = await connection();
  await echoCall(ua, visitor, true);
  assert.ok(await bindingOf(visitor), 'the connection is bound to the visitor');
  ua.close();
  await poll(async () => (await bindingOf(visitor)) === undefined, {
    what: 'the binding removed after the connection closed',
    timeoutMs: 30_000,
  });
});

/**
 * A visitor's phone proving its credentials before its first call (src/engine/connection-proof.ts):
 * an OPTIONS to its own address on `ua`, answered with `credentials` once challenged.
 * Resolves with the challenge and the final reply to the signed request.
 */
async function prove(
  ua: SipEndpoint,
  user: string,
  credentials: EphemeralCredentials,
): Promise<{ challenge: string | null; reply: string | null }> {
  const self = `sip:${user}@${DOMAIN}`;
  const callId = `proof-${token()}`;
  const challenge = await request(ua, 'OPTIONS', user, self, { callId });
  const authorization = digest(header(challenge, 'Proxy-Authenticate'), {
    method: 'OPTIONS',
    uri: self,
    ...credentials,
  });
  return { challenge, reply: await request(ua, 'OPTIONS', user, self, { callId, authorization }) };
}

test("a visitor's OPTIONS to its own address is challenged, then binds the connection and is answered by the SBC: the first call goes out without a 407", async () => {
  const visitor = `visitor-${token()}`;
  const credentials = ephemeral(visitor);
  const ua = await connection();
  const since = Date.now();
  try {
    const { challenge, reply } = await prove(ua, visitor, credentials);
    assert.equal(statusOf(challenge), 407, String(challenge));
    assert.match(reply ?? 'no reply', /^SIP\/2\.0 200 Credentials Accepted/);
    // Kamailio's own answer (server_header), not one relayed from elsewhere.
    assert.equal(header(reply, 'Server'), 'helpline-sbc');
    const binding = await bindingOf(visitor);
    assert.equal(binding?.username, credentials.username);
    assert.equal(binding?.address, `127.0.0.1:${ua.port}`);

    // placeCall() with challenged: false fails on a 407 (or anything but a 200).
    const call = await echoCall(ua, visitor, false);
    const served = await poll(
      async () => (await mediaHistory(since)).find((c) => c.callId === call.callId),
      { what: 'the call on the media server' },
    );
    assert.match(served?.from ?? '', new RegExp(`${visitor}@`));
    assert.notEqual(served?.answeredAt ?? null, null);
  } finally {
    ua.close();
  }
});

test('the proof goes nowhere: answered by the SBC whatever its Route, and an OPTIONS to anyone else is refused, never relayed', async () => {
  const visitor = `visitor-${token()}`;
  const ua = await connection();
  const trap = await udpEndpoint();
  const since = Date.now();
  try {
    assert.match((await prove(ua, visitor, ephemeral(visitor))).reply ?? '', /^SIP\/2\.0 200 /);
    const self = `sip:${visitor}@${DOMAIN}`;
    const routed = await request(ua, 'OPTIONS', visitor, self, {
      extra: [`Route: <sip:127.0.0.1:${trap.port};lr>`],
    });
    assert.match(routed ?? 'no reply', /^SIP\/2\.0 200 Credentials Accepted/);
    assert.equal(header(routed, 'Server'), 'helpline-sbc');
    const refusals: Record<string, RegExp> = {
      // its own user at another host: the relay check, before anything answers it
      [`sip:${visitor}@127.0.0.1:${trap.port}`]: /^SIP\/2\.0 403 Relaying Forbidden/,
      // a service number (the media farm answers OPTIONS 200 with Allow) and an agent
      [`sip:echo@${DOMAIN}`]: /^SIP\/2\.0 405 Method Not Allowed/,
      [`sip:agent1@${DOMAIN}`]: /^SIP\/2\.0 405 Method Not Allowed/,
    };
    const callIds: string[] = [];
    for (const [target, refusal] of Object.entries(refusals)) {
      const callId = `options-${token()}`;
      callIds.push(callId);
      const reply = await request(ua, 'OPTIONS', visitor, target, { callId });
      assert.match(reply ?? 'no reply', refusal, `${target}: ${reply}`);
      assert.equal(header(reply, 'Server'), 'helpline-sbc', `${target}: ${reply}`);
      assert.equal(header(reply, 'Allow'), undefined, `${target}: ${reply}`);
    }
    assert.deepEqual(
      trap.received.map((m) => m.text),
      [],
    );
    const farm = await mediaHistory(since);
    assert.equal(farm.filter((c) => callIds.includes(c.callId)).length, 0);
  } finally {
    ua.close();
    trap.close();
  }
});

test('an OPTIONS to its own address without valid credentials, or from another user, is challenged or refused and binds nothing', async () => {
  const visitor = `visitor-${token()}`;
  const ua = await connection();
  try {
    // Wrong password: challenged again, never answered 200.
    const forged = await prove(ua, visitor, { ...ephemeral(visitor), password: 'not-it' });
    assert.equal(statusOf(forged.reply), 407, String(forged.reply));
    // Another visitor's valid credentials: not the From identity.
    const other = `visitor-${token()}`;
    const borrowed = await prove(ua, visitor, ephemeral(other));
    assert.match(borrowed.reply ?? 'no reply', /^SIP\/2\.0 403 Forbidden From Identity/);
    assert.equal(await bindingOf(visitor), undefined);
    assert.equal(await bindingOf(other), undefined);

    // Bound to the visitor now: another user's proof on that connection is still challenged.
    assert.match((await prove(ua, visitor, ephemeral(visitor))).reply ?? '', /^SIP\/2\.0 200 /);
    const impostor = `visitor-${token()}`;
    const unsigned = await request(ua, 'OPTIONS', impostor, `sip:${impostor}@${DOMAIN}`);
    assert.equal(statusOf(unsigned), 407, String(unsigned));
    assert.equal((await bindingOf(visitor))?.username.split(':')[1], visitor);
  } finally {
    ua.close();
  }
});
