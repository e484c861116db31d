// Issue 10: digest challenges carry qop=auth and every nonce is good for one request
// (a replayed Authorization is refused), and a registration never outlives the
// ephemeral credentials it was made with.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EphemeralCredentials } from '../../../testkit/ephemeral';
import { DOMAIN, ephemeral, kamcmd } from '../lib';
import {
  digest,
  finalResponse,
  header,
  type SipEndpoint,
  statusOf,
  token,
  udpEndpoint,
} from './sbc-lib';

/** What a REGISTER asks for: the Expires header, or the Contact's expires parameter. */
interface Expiry {
  expires?: number;
  contactExpires?: number;
}

function register(
  user: string,
  {
    callId,
    cseq,
    expires,
    authorization,
    contactExpires,
  }: Expiry & { callId: string; cseq: number; authorization?: string },
): string {
  return [
    `REGISTER sip:${DOMAIN} SIP/2.0`,
    `Via: SIP/2.0/UDP LOCAL;rport;branch=z9hG4bK${token()}`,
    'Max-Forwards: 70',
    `From: <sip:${user}@${DOMAIN}>;tag=${callId}`,
    `To: <sip:${user}@${DOMAIN}>`,
    `Call-ID: ${callId}`,
    `CSeq: ${cseq} REGISTER`,
    `Contact: <sip:${user}@LOCAL>${contactExpires === undefined ? '' : `;expires=${contactExpires}`}`,
    ...(expires === undefined ? [] : [`Expires: ${expires}`]),
    ...(authorization ? [`Authorization: ${authorization}`] : []),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** REGISTER, answer the challenge; resolves with the challenge and the final reply. */
async function registerWith(
  client: SipEndpoint,
  user: string,
  credentials: EphemeralCredentials,
  options: Expiry = {},
): Promise<{ challenge: string | null; request: string; reply: string | null; callId: string }> {
  const callId = `reg-${token()}`;
  let mark = client.received.length;
  await client.send(register(user, { callId, cseq: 1, ...options }));
  const challenge = await client.waitFor(finalResponse(callId, 'REGISTER'), { start: mark });
  assert.equal(statusOf(challenge ?? ''), 401, String(challenge));
  const authorization = digest(header(challenge, 'WWW-Authenticate'), {
    method: 'REGISTER',
    uri: `sip:${DOMAIN}`,
    ...credentials,
  });
  const request = register(user, { callId, cseq: 2, authorization, ...options });
  mark = client.received.length;
  await client.send(request);
  const reply = await client.waitFor(finalResponse(callId, 'REGISTER'), { start: mark });
  return { challenge, request, reply, callId };
}

test('challenges offer qop=auth', async () => {
  const client = await udpEndpoint();
  try {
    const { challenge, reply } = await registerWith(client, 'agent4', ephemeral('agent4'), {
      expires: 0,
    });
    assert.match(header(challenge, 'WWW-Authenticate') ?? '', /qop="?auth/);
    assert.equal(statusOf(reply), 200, reply ?? undefined);
  } finally {
    client.close();
  }
});

test('a replayed REGISTER with the same Authorization is refused (nonce used once)', async () => {
  const client = await udpEndpoint();
  try {
    const { request, reply, callId } = await registerWith(client, 'agent4', ephemeral('agent4'), {
      expires: 0,
    });
    assert.equal(statusOf(reply), 200, reply ?? undefined);
    // The captured request, sent again as it was (a new branch, so it is not a
    // retransmission the transaction layer would absorb).
    const replay = request.replace(/branch=z9hG4bK\w+/, `branch=z9hG4bK${token()}`);
    const mark = client.received.length;
    await client.send(replay.replace('CSeq: 2 ', 'CSeq: 3 '));
    const again = await client.waitFor(finalResponse(callId, 'REGISTER'), { start: mark });
    assert.equal(statusOf(again ?? ''), 401, String(again));
  } finally {
    client.close();
  }
});

test('a replayed INVITE Proxy-Authorization is refused (407)', async () => {
  const client = await udpEndpoint();
  const visitor = `visitor-${token()}`;
  try {
    const callId = `inv-${token()}`;
    const invite = (cseq: number, auth?: string, branch = token()) =>
      [
        `INVITE sip:nobody@example.com SIP/2.0`,
        `Via: SIP/2.0/UDP LOCAL;rport;branch=z9hG4bK${branch}`,
        'Max-Forwards: 70',
        `From: <sip:${visitor}@${DOMAIN}>;tag=${callId}`,
        `To: <sip:nobody@example.com>`,
        `Call-ID: ${callId}`,
        `CSeq: ${cseq} INVITE`,
        `Contact: <sip:${visitor}@LOCAL>`,
        ...(auth ? [`Proxy-Authorization: ${auth}`] : []),
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
    let mark = client.received.length;
    await client.send(invite(1));
    const challenge = await client.waitFor(finalResponse(callId, 'INVITE'), { start: mark });
    assert.equal(statusOf(challenge ?? ''), 407);
    const auth = digest(header(challenge, 'Proxy-Authenticate'), {
      method: 'INVITE',
      uri: 'sip:nobody@example.com',
      ...ephemeral(visitor),
    });
    // A foreign domain: authenticated, then refused (403) without creating a call.
    mark = client.received.length;
    await client.send(invite(2, auth));
    const first = await client.waitFor(finalResponse(callId, 'INVITE'), { start: mark });
    assert.equal(statusOf(first ?? ''), 403, String(first));
    mark = client.received.length;
    await client.send(invite(3, auth));
    const replayed = await client.waitFor(finalResponse(callId, 'INVITE'), { start: mark });
    assert.equal(statusOf(replayed ?? ''), 407, String(replayed));
  } finally {
    client.close();
  }
});

/** The Expires the location table holds for the user's contact. */
async function storedExpires(user: string): Promise<number | null> {
  const out = await kamcmd('ul.lookup', 'location', `${user}@${DOMAIN}`);
  const match = /Expires: (\d+)/.exec(out);
  return match ? Number(match[1]) : null;
}

for (const [what, options] of Object.entries<Expiry>({
  'the Expires header': { expires: 3600 },
  "the Contact's expires parameter": { contactExpires: 3600 },
})) {
  test(`a registration asking for an hour (${what}) is capped at the credentials' remaining 90 s`, async () => {
    const client = await udpEndpoint();
    const user = 'agent6';
    try {
      const { reply } = await registerWith(client, user, ephemeral(user, { ttl: 90 }), options);
      assert.equal(statusOf(reply), 200, reply ?? undefined);
      const granted = Number(/;expires=(\d+)/.exec(header(reply, 'Contact') ?? '')?.[1]);
      assert.ok(granted > 0 && granted <= 90, `granted ${granted} s: ${reply}`);
      const stored = await storedExpires(user);
      assert.ok(stored !== null && stored <= 90, `stored ${stored} s`);
    } finally {
      await registerWith(client, user, ephemeral(user), { expires: 0 });
      client.close();
    }
  });
}

test('a registration shorter than the credentials is left as asked', async () => {
  const client = await udpEndpoint();
  const user = 'agent6';
  try {
    const { reply } = await registerWith(client, user, ephemeral(user, { ttl: 600 }), {
      expires: 120,
    });
    assert.equal(statusOf(reply), 200, reply ?? undefined);
    const granted = Number(/;expires=(\d+)/.exec(header(reply, 'Contact') ?? '')?.[1]);
    assert.ok(granted > 100 && granted <= 120, `granted ${granted}`);
  } finally {
    await registerWith(client, user, ephemeral(user), { expires: 0 });
    client.close();
  }
});
