// Issue 10, critical finding: the SBC must not relay in-dialog requests it cannot place in
// a dialog it set up, nor from anyone but that dialog's endpoints. Each forged request
// (made-up To-tag, a Route through the SBC, a Request-URI aimed at a trap) must be
// answered by the SBC itself and never reach the trap, over UDP and over WSS; a real
// call's media must survive a BYE from someone else.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { poll } from '../../../testkit/poll';
import { ALLOWED_ORIGINS, HOST, MEDIA_SERVERS } from '../../../testkit/topology';
import { DOMAIN, ephemeral, mediaHistory, options, type WebSocketClient, websocket } from '../lib';
import {
  type Call,
  digest,
  finalResponse,
  forgedInDialog,
  header,
  placeCall,
  registerOverWebSocket,
  responseTo,
  rtpFlows,
  type SipEndpoint,
  statusOf,
  token,
  udpEndpoint,
} from './sbc-lib';

const METHODS = ['MESSAGE', 'OPTIONS', 'BYE', 'INVITE', 'REFER'];
const REFUSED = [403, 404];
const ORIGIN = ALLOWED_ORIGINS[0];
const MEDIA1_SIP_PORT = MEDIA_SERVERS.find((server) => server.name === 'media1')!.sipPort;

describe('forged in-dialog requests over UDP are answered, never relayed', () => {
  let trap: SipEndpoint;
  let attacker: SipEndpoint;
  before(async () => {
    trap = await udpEndpoint();
    attacker = await udpEndpoint();
  });
  after(() => {
    trap.close();
    attacker.close();
  });

  for (const method of METHODS) {
    test(`${method} with a made-up To-tag and Route: <sip:127.0.0.1;lr> never reaches another host:port`, async () => {
      const forged = forgedInDialog(method, { target: `sip:victim@127.0.0.1:${trap.port}` });
      const trapped = trap.received.length;
      await attacker.send(forged.text);
      // Whichever comes first: the SBC's own answer, or the request showing up at the trap.
      const reply = await Promise.race([
        attacker.waitFor(finalResponse(forged.callId, method)),
        trap.waitFor((text) => text.includes(forged.callId), { start: trapped }),
      ]);
      assert.equal(
        trap.received.length,
        trapped,
        `relayed to the trap: ${trap.received.at(-1)?.text}`,
      );
      assert.ok(reply, 'no answer from the SBC');
      assert.ok(REFUSED.includes(statusOf(reply)), reply);
    });
  }

  test('OPTIONS aimed at a media server is answered by the SBC, not the media server', async () => {
    const forged = forgedInDialog('OPTIONS', { target: `sip:ivr@${HOST}:${MEDIA1_SIP_PORT}` });
    await attacker.send(forged.text);
    const reply = await attacker.waitFor(finalResponse(forged.callId, 'OPTIONS'));
    assert.ok(reply, 'no answer');
    assert.ok(REFUSED.includes(statusOf(reply)), reply);
  });

  test('a Route naming another host is not followed either', async () => {
    const forged = forgedInDialog('MESSAGE', {
      target: `sip:victim@${DOMAIN}`,
      route: `<sip:127.0.0.1:${trap.port};lr>`,
    });
    const trapped = trap.received.length;
    await attacker.send(forged.text);
    const reply = await Promise.race([
      attacker.waitFor(finalResponse(forged.callId, 'MESSAGE')),
      trap.waitFor((text) => text.includes(forged.callId), { start: trapped }),
    ]);
    assert.equal(trap.received.length, trapped, 'relayed to the host in the Route');
    assert.ok(REFUSED.includes(statusOf(reply ?? '')), String(reply));
  });
});

describe("an ;alias= Request-URI does not reach an agent's WebSocket", () => {
  test('MESSAGE aimed at a registered WebSocket through ;alias is refused', async () => {
    const { status, ws } = await websocket(ORIGIN);
    assert.equal(status, 101);
    const attacker = await udpEndpoint();
    try {
      const user = 'agent8';
      const contactHost = `${token()}.invalid`;
      assert.match(
        await registerOverWebSocket(ws, user, ephemeral(user), contactHost),
        /^SIP\/2\.0 200/,
      );

      // The WebSocket's address as the SBC sees it: our TLS socket's local port. Both
      // WS (5) and WSS (6) protocol numbers are tried.
      for (const proto of [5, 6]) {
        const alias = `127.0.0.1~${ws.localPort}~${proto}`;
        const forged = forgedInDialog('MESSAGE', {
          target: `sip:${user}@192.0.2.1;alias=${alias}`,
        });
        await attacker.send(forged.text);
        const reply = await Promise.race([
          attacker.waitFor(finalResponse(forged.callId, 'MESSAGE')),
          ws.next(3000).then(
            (text) => `delivered to the WebSocket: ${text}`,
            () => null,
          ),
        ]);
        assert.ok(reply && !reply.startsWith('delivered'), String(reply));
        assert.ok(REFUSED.includes(statusOf(reply)), reply);
      }
    } finally {
      ws.close();
      attacker.close();
    }
  });
});

describe('forged in-dialog requests over WSS are answered, never relayed', () => {
  let trap: SipEndpoint;
  let client: WebSocketClient;
  before(async () => {
    trap = await udpEndpoint();
    const { status, ws } = await websocket(ORIGIN);
    assert.equal(status, 101);
    client = ws;
  });
  after(() => {
    trap.close();
    client.close();
  });

  for (const method of METHODS) {
    test(`${method} from an unauthenticated WebSocket never reaches another host:port`, async () => {
      const forged = forgedInDialog(method, {
        target: `sip:victim@127.0.0.1:${trap.port}`,
        via: `SIP/2.0/WSS ${randomBytes(4).toString('hex')}.invalid`,
      });
      const trapped = trap.received.length;
      client.send(forged.text.replaceAll('LOCAL', 'mallory.invalid'));
      const reply = await Promise.race([
        client.next(3000).catch(() => null),
        trap.waitFor((text) => text.includes(forged.callId), { start: trapped }),
      ]);
      assert.equal(
        trap.received.length,
        trapped,
        `relayed to the trap: ${trap.received.at(-1)?.text}`,
      );
      assert.ok(reply, 'no answer from the SBC');
      assert.ok(REFUSED.includes(statusOf(reply)), reply);
    });
  }
});

describe("someone else's BYE does not end a real call", () => {
  let rtp: SipEndpoint;
  let call: Call;
  before(async () => {
    rtp = await udpEndpoint();
    const caller = `visitor-${token()}`;
    call = await placeCall({ caller, service: 'music', credentials: ephemeral(caller), rtp });
    assert.ok(await rtpFlows(rtp), 'no music reached the caller');
  });
  after(() => {
    call?.close();
    rtp?.close();
  });

  test("a BYE with the call's own Call-ID, tags and Route set from another address is refused and the media keeps flowing", async () => {
    const attacker = await udpEndpoint();
    try {
      const reply = await call.request('BYE', { from: attacker });
      assert.ok(reply, 'no answer to the forged BYE');
      // The caller is a user: from a new address it may only prove who it is (a
      // challenge); someone else's valid credentials do not make it the caller.
      if (statusOf(reply) === 407) {
        const other = `visitor-${token()}`;
        const auth = digest(header(reply, 'Proxy-Authenticate'), {
          method: 'BYE',
          uri: call.target,
          ...ephemeral(other),
        });
        const status = await call.status('BYE', {
          from: attacker,
          extra: [`Proxy-Authorization: ${auth}`],
        });
        assert.equal(status, 403);
      } else {
        assert.ok(REFUSED.includes(statusOf(reply)), reply);
      }
      assert.ok(await rtpFlows(rtp), 'the media stopped after the forged BYE');
    } finally {
      attacker.close();
    }
  });

  test('the caller itself still hangs up normally', async () => {
    assert.equal(await call.status('BYE'), 200);
  });
});

// The widget keeps a call across a reconnect (src/engine/call.ts: re-INVITE on the new
// connection): a user's new address is accepted once it proves it is that user.
test('a caller on a new address is challenged, and with its own credentials the dialog follows it', async () => {
  const rtp = await udpEndpoint();
  const moved = await udpEndpoint();
  const caller = `visitor-${token()}`;
  const call = await placeCall({ caller, service: 'music', credentials: ephemeral(caller), rtp });
  try {
    const challenge = await call.request('BYE', { from: moved });
    assert.equal(statusOf(challenge ?? ''), 407, String(challenge));
    const auth = digest(header(challenge, 'Proxy-Authenticate'), {
      method: 'BYE',
      uri: call.target,
      ...ephemeral(caller),
    });
    assert.equal(
      await call.status('BYE', { from: moved, extra: [`Proxy-Authorization: ${auth}`] }),
      200,
    );
  } finally {
    call.close();
    moved.close();
    rtp.close();
  }
});

test('forged requests do not disturb the SBC: a keepalive is still answered', async () => {
  const probe = await udpEndpoint();
  try {
    const callId = `probe-${token()}`;
    await probe.send(options({ callId }));
    assert.equal(statusOf((await probe.waitFor(finalResponse(callId, 'OPTIONS'))) ?? ''), 200);
  } finally {
    probe.close();
  }
});

// Issue 13: the caller context (X-Context) a visitor's page sends reaches the media farm,
// capped and once; nobody but the farm delivers one to an agent.
describe('caller context (X-Context)', () => {
  const context = (bytes: number) => {
    const head = '{"note":"';
    return `${head}${'x'.repeat(bytes - head.length - 2)}"}`;
  };

  async function visitorCall(extra: readonly string[]) {
    const caller = `visitor-${token()}`;
    const rtp = await udpEndpoint();
    try {
      return await placeCall({
        caller,
        service: 'echo',
        credentials: ephemeral(caller),
        rtp,
        extra,
      });
    } finally {
      rtp.close();
    }
  }

  test('a visitor’s context of 1 KB reaches the media server as it was sent', async () => {
    const sent = context(1024);
    const since = Date.now();
    const call = await visitorCall([`X-Context: ${sent}`]);
    try {
      const received = await poll(
        async () =>
          (await mediaHistory(since))
            .find((c) => c.callId === call.callId)
            ?.timeline.find((entry) => entry.type === 'invite')?.context,
        { what: 'the invite on the media server' },
      );
      assert.equal(received, sent);
    } finally {
      await call.status('BYE');
      call.close();
    }
  });

  /** How a visitor's call with `extra` headers ends: refused (the reply), or answered. */
  async function refusal(extra: readonly string[]): Promise<string> {
    return visitorCall(extra).then(
      async (call) => {
        await call.status('BYE');
        call.close();
        return 'answered';
      },
      (error: Error) => error.message,
    );
  }

  test('a context over 1 KB is refused with 400 before it reaches the farm', async () => {
    assert.match(await refusal([`X-Context: ${context(1025)}`]), /SIP\/2\.0 400 Context Too Large/);
  });

  test('two contexts are refused with 400', async () => {
    assert.match(
      await refusal(['X-Context: {"a":"1"}', 'X-Context: {"b":"2"}']),
      /SIP\/2\.0 400 One Context Only/,
    );
  });

  test("an agent's context towards another agent is dropped", async () => {
    const { ws } = await websocket(ORIGIN);
    const rtp = await udpEndpoint();
    try {
      const callee = 'agent7';
      assert.match(
        await registerOverWebSocket(ws, callee, ephemeral(callee), `${token()}.invalid`),
        /^SIP\/2\.0 200/,
      );
      const caller = 'agent6';
      const placing = placeCall({
        caller,
        service: callee,
        credentials: ephemeral(caller),
        rtp,
        extra: ['X-Context: {"orderId":"forged"}'],
      });
      let invite = await ws.next(10_000);
      while (!invite.startsWith('INVITE ')) invite = await ws.next(10_000);
      // Refused before any assertion: a failed one must not leave the call ringing.
      ws.send(responseTo(invite, 486, 'Busy Here'));
      await assert.rejects(placing, /486/);
      assert.equal(header(invite, 'X-Context'), undefined, invite);
    } finally {
      ws.close();
      rtp.close();
    }
  });
});

// Issue 13: transfers. Only an agent may REFER, and only to an agent, the queue or a
// service number of our domain; a visitor transferring its own call could send it anywhere.
describe('transfers (REFER) inside a call', () => {
  async function callAs(caller: string) {
    const rtp = await udpEndpoint();
    const call = await placeCall({ caller, service: 'echo', credentials: ephemeral(caller), rtp });
    return {
      call,
      refer: (target: string) =>
        call.request('REFER', { extra: [`Refer-To: <${target}>`, 'Referred-By: <sip:x@x>'] }),
      close: async () => {
        await call.status('BYE');
        call.close();
        rtp.close();
      },
    };
  }

  test("a visitor's REFER is refused by the SBC", async () => {
    const visitor = await callAs(`visitor-${token()}`);
    try {
      const reply = await visitor.refer(`sip:agent2@${DOMAIN}`);
      assert.match(reply ?? '', /^SIP\/2\.0 403 Transfer Not Allowed/);
    } finally {
      await visitor.close();
    }
  });

  test("an agent's REFER to another domain or an unknown user is refused by the SBC", async () => {
    const agent = await callAs('agent6');
    try {
      for (const target of ['sip:agent2@evil.example', `sip:+15550100@${DOMAIN}`]) {
        const reply = await agent.refer(target);
        assert.match(reply ?? '', /^SIP\/2\.0 403 Transfer Target Not Allowed/, target);
      }
    } finally {
      await agent.close();
    }
  });

  test("an agent's REFER to a colleague is relayed to the far end, which answers it", async () => {
    const agent = await callAs('agent6');
    try {
      const reply = await agent.refer(`sip:agent2@${DOMAIN}`);
      // The media server's own answer: an echo call is in no bridge to transfer.
      assert.match(reply ?? '', /^SIP\/2\.0 403 Not Bridged/);
    } finally {
      await agent.close();
    }
  });

  test("an agent's attended transfer (Refer-To with ?Replaces=) passes the same policy", async () => {
    const agent = await callAs('agent6');
    const replaces = '?Replaces=consult%40x%3Bto-tag%3D1%3Bfrom-tag%3D2';
    try {
      const relayed = await agent.refer(`sip:agent2@${DOMAIN}${replaces}`);
      assert.match(relayed ?? '', /^SIP\/2\.0 403 Not Bridged/);
      const elsewhere = await agent.refer(`sip:agent2@evil.example${replaces}`);
      assert.match(elsewhere ?? '', /^SIP\/2\.0 403 Transfer Target Not Allowed/);
    } finally {
      await agent.close();
    }
  });

  // Replaces (RFC 3891) takes over a call in progress: only the media farm may send it, to
  // complete an attended transfer whose REFER passed the policy above.
  test("a browser's Replaces is refused, in a new call and inside one", async () => {
    const rtp = await udpEndpoint();
    const replaces = 'Replaces: someone-elses-call@x;to-tag=1;from-tag=2';
    try {
      await assert.rejects(
        placeCall({
          caller: 'agent6',
          service: 'echo',
          credentials: ephemeral('agent6'),
          rtp,
          extra: [replaces],
        }),
        /403 Replaces Not Allowed/,
      );
      const agent = await callAs('agent6');
      try {
        const reply = await agent.call.request('INFO', { extra: [replaces] });
        assert.match(reply ?? '', /^SIP\/2\.0 403 Replaces Not Allowed/);
      } finally {
        await agent.close();
      }
    } finally {
      rtp.close();
    }
  });
});
