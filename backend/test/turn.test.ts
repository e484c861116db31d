// The TURN relay (backend/coturn) and the iceServers the credentials service hands out
// with the SIP credentials (issue 15): coturn allocates only with TURN REST API
// credentials made with its secret and not yet expired, relays only to the media relay,
// and what the service mints is accepted.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { get } from 'node:https';
import { join } from 'node:path';
import { test } from 'node:test';
import { ALLOWED_ORIGINS, TURN, VISITOR_CREDENTIALS_URL } from '../../testkit/topology';
import { CA, RUN_DIR } from './lib';
import { TurnClient, type TurnTransport } from './turn-client';

const TURN_SECRET = readFileSync(join(RUN_DIR, 'turn-secret'), 'utf8').trim();
const inAMinute = () => Math.floor(Date.now() / 1000) + 60;

/** coturn's use-auth-secret credentials: "<expiry>:<user>", base64(HMAC-SHA1(secret, username)). */
function turnCredentials(user: string, expires: number, secret = TURN_SECRET) {
  const username = `${expires}:${user}`;
  return { username, password: createHmac('sha1', secret).update(username).digest('base64') };
}

/** A user of its own per run: coturn's user-quota counts allocations that outlive a test. */
function freshCredentials(name: string, expires = inAMinute()) {
  return turnCredentials(`${name}-${process.pid}-${Date.now()}`, expires);
}

async function withClient<T>(transport: TurnTransport, use: (client: TurnClient) => Promise<T>) {
  const port = transport === 'udp' ? TURN.port : TURN.tlsPort;
  const client = await TurnClient.open(transport, TURN.host, port, CA);
  try {
    return await use(client);
  } finally {
    client.close();
  }
}

function relayPortOf(relayed: string | undefined): number {
  assert.ok(relayed, 'an allocation has a relayed address');
  const [ip, port] = relayed.split(':');
  assert.equal(ip, TURN.host);
  return Number(port);
}

test('coturn refuses an allocation without credentials (401 challenge)', async () => {
  for (const transport of ['udp', 'tls'] as const) {
    const answer = await withClient(transport, (client) => client.allocate());
    assert.equal(answer.code, 401, `${transport}: ${answer.reason}`);
  }
});

test('coturn refuses a password that is not the HMAC of its secret', async () => {
  const good = freshCredentials('visitor-wrong');
  const forged = turnCredentials(good.username.split(':')[1]!, inAMinute(), 'not-the-secret');
  assert.notEqual(forged.password, good.password);
  const answer = await withClient('udp', (client) => client.allocate(forged));
  assert.equal(answer.code, 401, answer.reason);
});

test('coturn refuses an expired username, even with the right HMAC', async () => {
  const expired = freshCredentials('visitor-late', Math.floor(Date.now() / 1000) - 5);
  for (const transport of ['udp', 'tls'] as const) {
    const answer = await withClient(transport, (client) => client.allocate(expired));
    assert.equal(answer.code, 401, `${transport}: ${answer.reason}`);
  }
});

test('coturn allocates a relay over UDP and over TLS with good credentials', async () => {
  for (const transport of ['udp', 'tls'] as const) {
    const answer = await withClient(transport, (client) =>
      client.allocate(freshCredentials(`visitor-${transport}`)),
    );
    assert.equal(answer.code, 0, `${transport}: ${answer.reason}`);
    const port = relayPortOf(answer.relayed);
    assert.ok(
      port >= TURN.relayPorts[0]! && port <= TURN.relayPorts[1]!,
      `relay port ${port} in coturn's range`,
    );
  }
});

test('coturn is no open relay: private and public peers are refused, the media relay is allowed', async () => {
  await withClient('udp', async (client) => {
    const allocation = await client.allocate(freshCredentials('visitor-peers'));
    assert.equal(allocation.code, 0, allocation.reason);
    const peers = ['10.0.0.1', '192.168.1.10', '172.16.0.1', '169.254.169.254', '127.0.0.2'];
    // Public addresses too: the relay exists for calls to rtpengine, nothing else.
    peers.push('1.1.1.1', '8.8.8.8', '93.184.216.34');
    for (const peer of peers) {
      const answer = await client.permit(peer);
      assert.equal(answer.code, 403, `peer ${peer}: ${answer.reason}`);
    }
    // rtpengine's address in the lab (compose.yml TURN_ALLOWED_PEER_IPS).
    const media = await client.permit(TURN.host, 40000);
    assert.equal(media.code, 0, media.reason);
  });
});

interface MintedIceServer {
  urls: string[];
  username: string;
  credential: string;
}

function mintVisitor(): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    get(VISITOR_CREDENTIALS_URL, { ca: CA, headers: { Origin: ALLOWED_ORIGINS[0] } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`${res.statusCode}: ${body}`));
        else resolve(JSON.parse(body) as Record<string, unknown>);
      });
    }).on('error', reject);
  });
}

test('the credentials service returns iceServers for coturn that expire with the SIP credentials', async () => {
  const minted = await mintVisitor();
  const { username, expires } = minted as { username: string; expires: number };
  const iceServers = minted.iceServers as MintedIceServer[];
  assert.ok(Array.isArray(iceServers) && iceServers.length === 1, 'one TURN server');
  const [server] = iceServers as [MintedIceServer];
  assert.deepEqual(server.urls, [
    `turn:${TURN.host}:${TURN.port}?transport=udp`,
    `turns:${TURN.tlsHost}:${TURN.tlsPort}?transport=tcp`,
  ]);
  // The SIP user and expiry; the password is the HMAC of coturn's secret, not the SIP one.
  assert.equal(server.username, username);
  assert.equal(server.username, `${expires}:${username.split(':')[1]}`);
  assert.equal(server.credential, turnCredentials(username.split(':')[1]!, expires).password);
  assert.notEqual(server.credential, minted.password);
  const password = server.credential;
  for (const transport of ['udp', 'tls'] as const) {
    const answer = await withClient(transport, (client) =>
      client.allocate({ username: server.username, password }),
    );
    assert.equal(answer.code, 0, `${transport}: ${answer.reason}`);
  }
});

test('a relay outlives its credentials: a call longer than their lifetime keeps it', async () => {
  // coturn checks the username's expiry when a session authenticates first and then keeps
  // its key: a call relayed for longer than TTL_SECONDS must not lose its media when the
  // browser refreshes its permission (every 5 minutes, RFC 8656 §9) or its allocation.
  const expires = Math.floor(Date.now() / 1000) + 3;
  await withClient('udp', async (client) => {
    const allocation = await client.allocate(freshCredentials('visitor-long-call', expires));
    assert.equal(allocation.code, 0, allocation.reason);
    // The credentials' own expiry is the condition waited for (the server's clock is ours).
    while (Date.now() / 1000 <= expires + 1) await new Promise((r) => setTimeout(r, 200));
    const later = await client.permit(TURN.host, 40000);
    assert.equal(later.code, 0, `after expiry: ${later.reason}`);
  });
  // What outlives the expiry is the session: a new one with credentials of that expiry is refused.
  const expired = await withClient('udp', (client) =>
    client.allocate(freshCredentials('visitor-long-call', expires)),
  );
  assert.equal(expired.code, 401, expired.reason);
});
