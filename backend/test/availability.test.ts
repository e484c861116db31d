// Issue 13: an agent's availability rides on its registration (";availability=" in the
// Contact, stored as the contact's flag, kamailio.cfg REGISTRAR), and the queue rings only
// available agents: the media farm marks its queue INVITEs (X-Queue-Call), and the SBC
// takes that marker from nobody else. An unknown availability is refused.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { poll } from '../../testkit/poll';
import { ALLOWED_ORIGINS } from '../../testkit/topology';
import { ephemeral, kamcmd, mediaHistory, type WebSocketClient, websocket } from './lib';
import {
  header,
  placeCall,
  registerOverWebSocket,
  responseTo,
  type SipEndpoint,
  token,
  udpEndpoint,
} from './security/sbc-lib';

const ORIGIN = ALLOWED_ORIGINS[0];
// Agents in the queue's list (backend/media/ivr.json); another suite may have registered
// them too, so every check here is about this suite's own contact.
const AGENT = 'agent7';
const CALLER = 'agent6';
/** The contact flag FLB_AVAILABLE (bit 4) of kamailio.cfg. */
const AVAILABLE_FLAG = 1 << 4;

/**
 * The contact flags Kamailio holds for `user`'s registration from `contactHost` (another
 * suite may have left a registration of the same user: only ours counts).
 */
async function contactFlags(user: string, contactHost: string): Promise<number> {
  const dump = await kamcmd('ul.lookup', 'location', `${user}@helpline.test`);
  const ours = dump.split(/Contact:\s*\{/).find((block) => block.includes(contactHost));
  const flags = ours && /CFlags:\s*(\d+)/i.exec(ours)?.[1];
  assert.ok(flags, dump);
  return Number(flags);
}

describe('availability at the SBC', () => {
  let ws: WebSocketClient;
  let rtp: SipEndpoint;
  const contactHost = `${token()}.invalid`;
  const register = (params: string) =>
    registerOverWebSocket(ws, AGENT, ephemeral(AGENT), contactHost, params);

  before(async () => {
    ({ ws } = await websocket(ORIGIN));
    rtp = await udpEndpoint();
  });
  after(async () => {
    await register(';expires=0').catch(() => undefined);
    ws.close();
    rtp.close();
  });

  test('an unknown availability is refused with 400, and nothing is stored', async () => {
    assert.match(await register(';availability=lunch'), /^SIP\/2\.0 400 Unknown Availability/);
    assert.ok(!(await kamcmd('ul.dump')).includes(contactHost));
  });

  test('the binding remembers Away and Available (the contact flag), and no parameter is available', async () => {
    assert.match(await register(';availability=away'), /^SIP\/2\.0 200/);
    assert.equal((await contactFlags(AGENT, contactHost)) & AVAILABLE_FLAG, 0);
    assert.match(await register(';availability=available'), /^SIP\/2\.0 200/);
    assert.equal((await contactFlags(AGENT, contactHost)) & AVAILABLE_FLAG, AVAILABLE_FLAG);
    assert.match(await register(';availability=wrap-up'), /^SIP\/2\.0 200/);
    assert.equal((await contactFlags(AGENT, contactHost)) & AVAILABLE_FLAG, 0);
    assert.match(await register(''), /^SIP\/2\.0 200/);
    assert.equal((await contactFlags(AGENT, contactHost)) & AVAILABLE_FLAG, AVAILABLE_FLAG);
  });

  test('a queue marker from anyone but the media farm is dropped: a direct call rings an Away agent', async () => {
    assert.match(await register(';availability=away'), /^SIP\/2\.0 200/);
    const placing = placeCall({
      caller: CALLER,
      service: AGENT,
      credentials: ephemeral(CALLER),
      rtp,
      extra: ['X-Queue-Call: 1'],
    });
    let invite = await ws.next(10_000);
    while (!invite.startsWith('INVITE ')) invite = await ws.next(10_000);
    // Refused before any assertion: a failed one must not leave the call ringing.
    ws.send(responseTo(invite, 486, 'Busy Here'));
    await assert.rejects(placing, /486/);
    // The SBC ACKs our 486 (RFC 3261 17.1.1.3): read it, it is no answer to what comes next.
    let ack = await ws.next(10_000);
    while (!ack.startsWith('ACK ')) ack = await ws.next(10_000);
    assert.equal(header(invite, 'X-Queue-Call'), undefined, invite);
  });

  test("the queue's call to an Away agent is answered 480 by the SBC and never reaches the phone", async () => {
    assert.match(await register(';availability=away'), /^SIP\/2\.0 200/);
    const visitor = `visitor-${token()}`;
    const since = Date.now();
    const call = await placeCall({
      caller: visitor,
      service: 'queue',
      credentials: ephemeral(visitor),
      rtp,
    });
    const seen: string[] = [];
    const listening = (async () => {
      for (;;) seen.push(await ws.next(60_000));
    })().catch(() => undefined);
    try {
      const failed = await poll(
        async () =>
          (await mediaHistory(since))
            .find((c) => c.callId === call.callId)
            ?.timeline.find(
              (entry) => entry.type === 'queue-agent-failed' && entry.agent === AGENT,
            ),
        { what: `the queue's dial to ${AGENT} failing`, timeoutMs: 20_000 },
      );
      assert.equal(failed?.status, 480);
      assert.equal(failed?.reason, 'Agent Not Available');
      assert.deepEqual(
        seen.filter((message) => message.startsWith('INVITE ')),
        [],
        'the Away agent was rung',
      );
    } finally {
      await call.status('BYE');
      call.close();
      void listening;
    }
  });
});
