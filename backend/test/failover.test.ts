// The media farm behind the dispatcher: a stopped server is detected by OPTIONS
// probing, calls fail over to the other one, and the server comes back.
// Stops media1 while it runs, so it runs after the other suites.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, test } from 'node:test';
import { poll } from '../../testkit/poll';
import { HOST, MEDIA_SERVERS, type MediaServerName } from '../../testkit/topology';
import {
  compose,
  dispatcherState,
  ephemeral,
  kamailioLog,
  kamcmd,
  mediaHistory,
  SBC,
  sipp,
} from './lib';
import {
  header,
  placeCall,
  requestOf,
  responseTo,
  statusOf,
  token,
  udpEndpoint,
} from './security/sbc-lib';

/** The media servers' SIP ports, by name (testkit/topology.json). */
const MEDIA_SIP = Object.fromEntries(MEDIA_SERVERS.map((server) => [server.name, server.sipPort]));
const MEDIA1 = `sip:${HOST}:${MEDIA_SIP.media1}`;
const MEDIA2 = `sip:${HOST}:${MEDIA_SIP.media2}`;
const isUp = (flags: string | undefined) => flags?.startsWith('A');

type PlacedCall = Awaited<ReturnType<typeof placeCall>>;
type UdpEndpoint = Awaited<ReturnType<typeof udpEndpoint>>;

async function echoCalls(count: number): Promise<MediaServerName[]> {
  // Not a visitor: the SBC allows a visitor 2 calls at once, and this places up to 4.
  const caller = `failover-${randomBytes(4).toString('hex')}`;
  const since = Date.now();
  // All calls at once, so round robin hands one of them to media1 first.
  const result = await sipp('call.xml', {
    vars: { CALLER: caller, PAUSE: 300 },
    service: 'echo',
    auth: ephemeral(caller),
    calls: count,
    rate: 100,
    limit: count,
  });
  assert.ok(result.ok, result.output);
  // poll resolves with a truthy value only: the calls.
  const calls = (await poll(
    async () => {
      const mine = (await mediaHistory(since)).filter((c) => String(c.from).includes(caller));
      return mine.length === count && mine;
    },
    { what: `${count} calls from ${caller} in the media history` },
  )) as Awaited<ReturnType<typeof mediaHistory>>;
  return calls.map((c) => c.server);
}

after(async () => {
  await compose('start', 'media1');
});

test('both media servers are probed and active', async () => {
  const state = await poll(
    async () => {
      const s = await dispatcherState();
      return isUp(s[MEDIA1]) && isUp(s[MEDIA2]) && s;
    },
    { timeoutMs: 20000, what: 'both media servers active' },
  );
  assert.ok(state);
});

test('calls to a freshly killed media server fail over to the other', async () => {
  const since = Date.now();
  await compose('kill', 'media1');
  // Before probing notices, round robin still picks media1 for one of the calls:
  // that INVITE times out and failure_route moves it to media2.
  const servers = await echoCalls(2);
  assert.deepEqual(servers, ['media2', 'media2']);
  assert.match(
    await kamailioLog(since),
    new RegExp(`media server failed, trying ${MEDIA2.replaceAll('.', '\\.')}`),
  );
});

test('OPTIONS probing marks the stopped server down; new calls avoid it', async () => {
  await poll(async () => !isUp((await dispatcherState())[MEDIA1]), {
    timeoutMs: 10000,
    what: 'media1 marked down',
  });
  assert.ok(isUp((await dispatcherState())[MEDIA2]), 'media2 should still be up');
  assert.deepEqual(await echoCalls(2), ['media2', 'media2']);
});

test('a restarted server is probed back up and takes calls again', async () => {
  await compose('start', 'media1');
  await poll(async () => isUp((await dispatcherState())[MEDIA1]), {
    timeoutMs: 20000,
    what: 'media1 active again',
  });
  const servers = await echoCalls(4);
  assert.ok(servers.includes('media1'), `no call reached media1: ${servers}`);
});

/**
 * A media server in media1's place (its port, its dispatcher entry) that answers the SBC's
 * probes at once but holds every INVITE until `answer(invite)` (the test decides when):
 * a server too loaded to answer within tm's 2 s fr_timer, then answering anyway.
 */
async function lateServer() {
  const sip = await udpEndpoint(HOST, MEDIA_SIP.media1);
  const answered = new Set<string>();
  const serve = setInterval(() => {
    for (const { text, from } of sip.received) {
      const key = `${header(text, 'Call-ID')} ${header(text, 'CSeq')} ${header(text, 'Via')}`;
      if (answered.has(key)) continue;
      if (text.startsWith('OPTIONS ') || text.startsWith('BYE ')) {
        answered.add(key);
        sip.send(responseTo(text, 200, 'OK'), from.port, from.address);
      }
    }
  }, 20);
  return {
    sip,
    invites: (): string[] =>
      sip.received
        .map((r: { text: string }) => r.text)
        .filter((t: string) => t.startsWith('INVITE ')),
    /** The 200 the SBC gave up waiting for, with an answer of its own. */
    answer(invite: string) {
      const body =
        'v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 23456 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';
      const copied = invite
        .split('\r\n')
        .filter((line) => /^(Via|Record-Route|From|Call-ID|CSeq):/i.test(line));
      const lines = [
        'SIP/2.0 200 OK',
        ...copied,
        `To: ${header(invite, 'To')};tag=late-${token()}`,
        `Contact: <sip:late@${HOST}:${MEDIA_SIP.media1}>`,
        'Content-Type: application/sdp',
        `Content-Length: ${Buffer.byteLength(body)}`,
        '',
        body,
      ];
      return sip.send(lines.join('\r\n'), SBC.sipPort, SBC.host);
    },
    close() {
      clearInterval(serve);
      sip.close();
    },
  };
}

// Under load a media server can answer later than tm's fr_timer (2 s): the SBC fails the
// call over to the other server, and the first one's 200 then comes anyway. tm forwards
// every 2xx once the caller has an answer, so the browser got two answers with different
// media and the call failed ("Bad Media Description"). The SBC takes such a late answer
// itself: ACK and BYE to that server, nothing to the caller (kamailio.cfg, LATE_ANSWER).
test('a media server that answers after the failover is hung up by the SBC; the caller gets one answer', async () => {
  await compose('stop', 'media1');
  const late = await lateServer();
  const calls: (PlacedCall & { rtp: UdpEndpoint })[] = [];
  try {
    // Round robin: place calls until one is offered to the late server first.
    let call: PlacedCall | undefined;
    while (!call) {
      assert.ok(calls.length < 6, 'a call went to the late server first');
      await poll(async () => isUp((await dispatcherState())[MEDIA1]), {
        timeoutMs: 20000,
        what: 'the late server probed active',
      });
      const caller = `visitor-${randomBytes(4).toString('hex')}`;
      const rtp = await udpEndpoint();
      const placed = await placeCall({
        caller,
        service: 'echo',
        credentials: ephemeral(caller),
        rtp,
      });
      calls.push({ ...placed, rtp });
      if (late.invites().some((t) => header(t, 'Call-ID') === placed.callId)) call = placed;
      else assert.equal(await placed.status('BYE'), 200);
    }
    // The call was chosen for its INVITE to the late server.
    const invite = late.invites().find((t) => header(t, 'Call-ID') === call.callId) as string;
    const answers = () =>
      call.ua.received
        .map((r: { text: string }) => r.text)
        .filter((t: string) => statusOf(t) === 200 && / INVITE$/.test(header(t, 'CSeq') ?? ''))
        .map((t: string) => header(t, 'To'));
    // The caller has media2's answer (the failover); now the late server answers too.
    await late.answer(invite);
    const ack = await late.sip.waitFor(requestOf(call.callId, 'ACK'), { timeoutMs: 10000 });
    assert.ok(ack, `the SBC acknowledged the late answer (the caller got ${answers().length})`);
    assert.equal(header(ack, 'CSeq'), (header(invite, 'CSeq') as string).replace('INVITE', 'ACK'));
    const bye = await late.sip.waitFor(requestOf(call.callId, 'BYE'), { timeoutMs: 10000 });
    assert.ok(bye, 'the SBC hung up the late answer');
    assert.equal(new Set(answers()).size, 1, `the caller got one answer: ${answers()}`);
    // The call is media2's, for Kamailio too, and hangs up as usual.
    assert.match(
      await kamcmd('dlg.list'),
      new RegExp(`call-id: ${call.callId}\\n[^]*?callee: \\{[^}]*contact: sip:media2@`),
    );
    assert.equal(await call.status('BYE'), 200);
  } finally {
    late.close();
    for (const c of calls) {
      c.close();
      c.rtp.close();
    }
    await compose('start', 'media1');
    await poll(async () => isUp((await dispatcherState())[MEDIA1]), {
      timeoutMs: 30000,
      what: 'media1 active again',
    });
  }
});
