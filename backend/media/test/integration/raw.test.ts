/** Behaviour sipp cannot express: missing ACKs, retransmissions, garbage, server-side hold. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWav } from '../../src/media/wav.js';
import { getHeader, type SipMessage } from '../../src/sip/message.js';
import {
  inDialogText,
  inviteText,
  isResponse,
  type Json,
  RawSip,
  responseText,
  startTestServer,
  waitFor,
} from '../harness.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;
describe('SIP robustness (raw UDP)', () => {
  let server: Server;
  let sip: RawSip;

  beforeAll(async () => {
    server = await startTestServer();
    sip = await RawSip.open();
  });
  afterAll(async () => {
    sip.close();
    await server.stop();
  });

  const invite = (callId: string, service = 'music', headers: string[] = []) =>
    inviteText({ service, callId, serverPort: server.sipPort, clientPort: sip.port, headers });

  it('retransmits the 2xx until the ACK arrives, then stops', async () => {
    sip.send(invite('noack-1'), server.sipPort);
    const first = await sip.next(isResponse('noack-1', 200));
    // T1 is 100 ms in tests: the copies come at 100, 200, 400 ms...
    const copy = await sip.next(isResponse('noack-1', 200), 1000);
    expect(getHeader(copy, 'to')).toBe(getHeader(first, 'to'));
    expect(copy.body.toString()).toBe(first.body.toString());
    sip.send(inDialogText('ACK', first, sip.port, 1, 'z9hG4bKack1'), server.sipPort);
    const call = await waitFor(() => server.ua.calls.get('noack-1'));
    // With T2 = 800 ms, a missed ACK would bring another copy within 1.6 s.
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect(sip.count(isResponse('noack-1', 200))).toBeLessThanOrEqual(1);
    expect(call.state).toBe('answered');
    sip.send(inDialogText('BYE', first, sip.port, 2, 'z9hG4bKbye1'), server.sipPort);
    await sip.next(isResponse('noack-1', 200, 'BYE'));
  });

  it('hangs up when the ACK never comes', async () => {
    const server2 = await startTestServer({ SIP_T1_MS: '20' });
    try {
      sip.send(
        inviteText({
          service: 'music',
          callId: 'noack-2',
          serverPort: server2.sipPort,
          clientPort: sip.port,
        }),
        server2.sipPort,
      );
      const call = await server2.api.waitForEntry('noack-2', (e) => e.type === 'ended', 5000);
      expect(call.reason).toBe('no-ack');
      await sip.next(
        (m) => m.kind === 'request' && m.method === 'BYE' && getHeader(m, 'call-id') === 'noack-2',
      );
    } finally {
      await server2.stop();
    }
  });

  it('absorbs a retransmitted INVITE by repeating the last response', async () => {
    const text = invite('retrans-1');
    sip.send(text, server.sipPort);
    const ok = await sip.next(isResponse('retrans-1', 200));
    sip.send(text, server.sipPort);
    const again = await sip.next(isResponse('retrans-1', 200));
    expect(getHeader(again, 'to')).toBe(getHeader(ok, 'to'));
    sip.send(inDialogText('ACK', ok, sip.port, 1, 'z9hG4bKack2'), server.sipPort);
    const call = await server.api.call('retrans-1');
    expect(call.timeline.filter((e: Json) => e.type === 'invite')).toHaveLength(1);
    sip.send(inDialogText('BYE', ok, sip.port, 2, 'z9hG4bKbye2'), server.sipPort);
    await sip.next(isResponse('retrans-1', 200, 'BYE'));
  });

  it('answers a malformed request with 400 and keeps serving', async () => {
    sip.send(invite('bad-1').replace('CSeq: 1 INVITE', 'CSeq: one INVITE'), server.sipPort);
    const bad = await sip.next((m) => m.kind === 'response' && m.status === 400);
    expect(bad.kind === 'response' && bad.reason).toBe('Bad CSeq');
    // Unparseable garbage gets no answer at all, and the server is still there afterwards.
    sip.send('\u0000\u0001garbage\r\n\r\n', server.sipPort);
    sip.send('NOT SIP AT ALL', server.sipPort);
    sip.send(
      [
        'OPTIONS sip:media@127.0.0.1 SIP/2.0',
        `Via: SIP/2.0/UDP 127.0.0.1:${sip.port};branch=z9hG4bKopt1`,
        'From: <sip:probe@127.0.0.1>;tag=1',
        'To: <sip:media@127.0.0.1>',
        'Call-ID: options-after-garbage',
        'CSeq: 1 OPTIONS',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
      server.sipPort,
    );
    const ok = await sip.next(isResponse('options-after-garbage', 200, 'OPTIONS'));
    expect(getHeader(ok, 'allow')).toContain('INVITE');
    expect(sip.count((m) => m.kind === 'response' && m.status === 400)).toBe(0);
  });

  it('rejects unknown services (404), unknown dialogs (481) and too short session timers (422)', async () => {
    sip.send(invite('nosuch-1', 'no-such-service'), server.sipPort);
    await sip.next(isResponse('nosuch-1', 404));
    sip.send(
      invite('short-se', 'music', ['Session-Expires: 30', 'Supported: timer']),
      server.sipPort,
    );
    const tooSmall = await sip.next(isResponse('short-se', 422));
    expect(getHeader(tooSmall, 'min-se')).toBe('90');
    sip.send(
      [
        'BYE sip:media@127.0.0.1 SIP/2.0',
        `Via: SIP/2.0/UDP 127.0.0.1:${sip.port};branch=z9hG4bKbye404`,
        'From: <sip:raw@127.0.0.1>;tag=x',
        'To: <sip:music@127.0.0.1>;tag=nope',
        'Call-ID: no-such-dialog',
        'CSeq: 2 BYE',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
      server.sipPort,
    );
    await sip.next(isResponse('no-such-dialog', 481, 'BYE'));
  });

  it("answers the SBC's in-dialog keep-alive: 200 while the call lives, 481 once it does not", async () => {
    sip.send(invite('ka-1'), server.sipPort);
    const ok = await sip.next(isResponse('ka-1', 200));
    sip.send(inDialogText('ACK', ok, sip.port, 1, 'z9hG4bKkaack'), server.sipPort);
    sip.send(inDialogText('INFO', ok, sip.port, 5, 'z9hG4bKkainfo'), server.sipPort);
    await sip.next(isResponse('ka-1', 200, 'INFO'));
    // Kamailio's keep-alive carries a CSeq one below the dialog's last (dialog module,
    // dlg_req_within.c): still a 200, and the caller's next request is not out of order.
    sip.send(inDialogText('OPTIONS', ok, sip.port, 4, 'z9hG4bKka1'), server.sipPort);
    await sip.next(isResponse('ka-1', 200, 'OPTIONS'));
    const call = await server.api.call('ka-1');
    expect(call.timeline.filter((e: Json) => e.type === 'keepalive')).toHaveLength(1);
    sip.send(inDialogText('BYE', ok, sip.port, 6, 'z9hG4bKkabye'), server.sipPort);
    await sip.next(isResponse('ka-1', 200, 'BYE'));
    // The call is over: the same keep-alive now gets 481, as one with a made-up tag does.
    sip.send(inDialogText('OPTIONS', ok, sip.port, 5, 'z9hG4bKka2'), server.sipPort);
    await sip.next(isResponse('ka-1', 481, 'OPTIONS'));
    const forged = inDialogText('OPTIONS', ok, sip.port, 7, 'z9hG4bKka3').replace(
      /^(To: .*;tag=)[^;\r]+/m,
      '$1made-up',
    );
    sip.send(forged, server.sipPort);
    await sip.next(isResponse('ka-1', 481, 'OPTIONS'));
  });

  it('accepts a session timer, answering with refresher and Require: timer', async () => {
    sip.send(
      invite('timer-1', 'music', ['Session-Expires: 1800', 'Supported: timer']),
      server.sipPort,
    );
    const ok = await sip.next(isResponse('timer-1', 200));
    expect(getHeader(ok, 'session-expires')).toBe('1800;refresher=uac');
    expect(getHeader(ok, 'require')).toBe('timer');
    sip.send(inDialogText('ACK', ok, sip.port, 1, 'z9hG4bKack3'), server.sipPort);
    sip.send(
      inDialogText('UPDATE', ok, sip.port, 2, 'z9hG4bKupd3').replace(
        'Content-Length: 0',
        'Session-Expires: 1800;refresher=uac\r\nContent-Length: 0',
      ),
      server.sipPort,
    );
    await sip.next(isResponse('timer-1', 200, 'UPDATE'));
    sip.send(inDialogText('BYE', ok, sip.port, 3, 'z9hG4bKbye3'), server.sipPort);
    await sip.next(isResponse('timer-1', 200, 'BYE'));
  });

  it('keeps the o= version for an unchanged re-INVITE and bumps it when the answer changes', async () => {
    sip.send(invite('version-1'), server.sipPort);
    const ok = await sip.next(isResponse('version-1', 200));
    sip.send(inDialogText('ACK', ok, sip.port, 1, 'z9hG4bKackv'), server.sipPort);
    const offerBody = (direction: string) =>
      inviteText({
        service: 'music',
        callId: 'version-1',
        serverPort: server.sipPort,
        clientPort: sip.port,
        direction,
      }).split('\r\n\r\n')[1]!;
    const reinvite = async (cseq: number, direction: string): Promise<string> => {
      const body = offerBody(direction);
      sip.send(
        inDialogText('INVITE', ok, sip.port, cseq, `z9hG4bKreinv${cseq}`).replace(
          'Content-Length: 0\r\n\r\n',
          `Content-Type: application/sdp\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
        ),
        server.sipPort,
      );
      const answer = await sip.next(isResponse('version-1', 200));
      sip.send(inDialogText('ACK', answer, sip.port, cseq, `z9hG4bKackv${cseq}`), server.sipPort);
      return /^o=.*$/m.exec(answer.body.toString())![0];
    };
    const first = /^o=.*$/m.exec(ok.body.toString())![0];
    const version = (origin: string) => Number(origin.split(' ')[2]);
    expect(await reinvite(2, 'sendrecv')).toBe(first);
    const held = await reinvite(3, 'sendonly');
    expect(version(held)).toBe(version(first) + 1);
    sip.send(inDialogText('BYE', ok, sip.port, 4, 'z9hG4bKbyev'), server.sipPort);
    await sip.next(isResponse('version-1', 200, 'BYE'));
    // Both re-INVITEs are on the timeline, the unchanged one too.
    const call = await server.api.waitForEntry('version-1', (e) => e.type === 'ended');
    expect(call.timeline.filter((e: Json) => e.type === 'reoffer')).toMatchObject([
      { method: 'INVITE' },
      { method: 'INVITE' },
    ]);
  });
});

describe('server-side hold and the control API', () => {
  let server: Server;
  let sip: RawSip;

  beforeAll(async () => {
    server = await startTestServer();
    sip = await RawSip.open();
  });
  afterAll(async () => {
    sip.close();
    await server.stop();
  });

  /** Answers the server's re-INVITE like a phone would and returns its offered direction. */
  async function answerReinvite(answerDirection: string): Promise<string> {
    const reinvite = await sip.next((m) => m.kind === 'request' && m.method === 'INVITE', 5000);
    const offered =
      /a=(sendrecv|sendonly|recvonly|inactive)/.exec(reinvite.body.toString())?.[1] ?? '';
    const sdp = `v=0\r\no=raw 1 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 8 126\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:126 telephone-event/8000\r\na=${answerDirection}\r\n`;
    const h = (name: string) => getHeader(reinvite, name);
    sip.send(
      [
        'SIP/2.0 200 OK',
        `Via: ${h('via')}`,
        `From: ${h('from')}`,
        `To: ${h('to')}`,
        `Call-ID: ${h('call-id')}`,
        `CSeq: ${h('cseq')}`,
        `Contact: <sip:raw@127.0.0.1:${sip.port}>`,
        'Content-Type: application/sdp',
        `Content-Length: ${sdp.length}`,
        '',
        sdp,
      ].join('\r\n'),
      server.sipPort,
    );
    const ack = await sip.next((m) => m.kind === 'request' && m.method === 'ACK');
    expect(getHeader(ack, 'cseq')).toBe(`${h('cseq')!.split(' ')[0]} ACK`);
    return offered;
  }

  it('holds the caller with sendonly itself, and resumes through the API', async () => {
    sip.send(
      inviteText({
        service: 'hold-now',
        callId: 'srvhold-1',
        serverPort: server.sipPort,
        clientPort: sip.port,
      }),
      server.sipPort,
    );
    const ok = await sip.next(isResponse('srvhold-1', 200));
    // The server holds at once, but not before our ACK: by the first 2xx retransmission
    // there must be no re-INVITE yet (RFC 3261 14.1).
    await sip.next(isResponse('srvhold-1', 200));
    expect(sip.count((m) => m.kind === 'request' && m.method === 'INVITE')).toBe(0);
    sip.send(inDialogText('ACK', ok, sip.port, 1, 'z9hG4bKackh'), server.sipPort);

    // Glare: a 491 makes the server try again a moment later with a new CSeq.
    const first = await sip.next((m) => m.kind === 'request' && m.method === 'INVITE');
    sip.send(responseText(first, 491, 'Request Pending'), server.sipPort);
    await sip.next(
      (m) =>
        m.kind === 'request' &&
        m.method === 'ACK' &&
        getHeader(m, 'cseq') === `${getHeader(first, 'cseq')!.split(' ')[0]} ACK`,
    );
    expect(await answerReinvite('recvonly')).toBe('sendonly');
    const held = await server.api.waitForEntry('srvhold-1', (e) => e.type === 'hold');
    expect(held.timeline.find((e: Json) => e.type === 'hold')).toMatchObject({
      direction: 'sendonly',
      by: 'local',
    });
    expect(held.localDirection).toBe('sendonly');

    const unhold = server.api.post('/calls/srvhold-1/unhold');
    expect(await answerReinvite('sendrecv')).toBe('sendrecv');
    expect((await unhold).status).toBe(200);
    const resumed = await server.api.waitForEntry('srvhold-1', (e) => e.type === 'unhold');
    expect(resumed.localDirection).toBe('sendrecv');

    const inactive = server.api.post('/calls/srvhold-1/hold', { direction: 'inactive' });
    expect(await answerReinvite('inactive')).toBe('inactive');
    expect((await inactive).body.localDirection).toBe('inactive');
    expect((await server.api.post('/calls/srvhold-1/hold', { direction: 'sideways' })).status).toBe(
      400,
    );

    sip.send(inDialogText('BYE', ok, sip.port, 2, 'z9hG4bKbyeh'), server.sipPort);
    await sip.next(isResponse('srvhold-1', 200, 'BYE'));
    expect((await server.api.post('/calls/srvhold-1/unhold')).status).toBe(404);
  });

  it('records both directions into a stereo WAV named by a server-generated id', async () => {
    sip.send(
      inviteText({
        service: 'record-now',
        callId: 'rec/1:x',
        serverPort: server.sipPort,
        clientPort: sip.port,
      }),
      server.sipPort,
    );
    const ok = await sip.next(isResponse('rec/1:x', 200));
    sip.send(inDialogText('ACK', ok, sip.port, 1, 'z9hG4bKackr'), server.sipPort);
    const started = await server.api.waitForEntry('rec/1:x', (e) => e.type === 'recording');
    const file: string = started.timeline.find((e: Json) => e.type === 'recording').file;
    expect(file).toMatch(/^rec-\d{8}T\d{6}Z-[0-9a-f]{16}\.wav$/);
    await waitFor(
      () => (server.ua.calls.get('rec/1:x')?.stats().packetsSent ?? 0) >= 10 || undefined,
    );
    sip.send(inDialogText('BYE', ok, sip.port, 2, 'z9hG4bKbyer'), server.sipPort);
    await sip.next(isResponse('rec/1:x', 200, 'BYE'));
    const recordings: Json[] = await server.api.get('/recordings');
    expect(recordings.map((r) => r.file)).toContain(file);
    const wav = parseWav(readFileSync(join(server.config.recordingsDir, file)));
    expect(wav).toMatchObject({ sampleRate: 8000, channels: 2 });
    expect(wav.samples.length).toBeGreaterThanOrEqual(10 * 160 * 2);
    const download = await server.api.fetch(`/recordings/${file}`);
    expect(download.headers.get('content-type')).toBe('audio/wav');
    expect((await download.arrayBuffer()).byteLength).toBe(44 + wav.samples.length * 2);
    expect((await server.api.fetch('/recordings/..%2Fsecret.wav')).status).toBe(400);
    // Broken percent-encoding is a client error, not a crash.
    expect((await server.api.fetch('/recordings/%E0%A4%A.wav')).status).toBe(400);
    expect((await server.api.fetch('/calls/%E0%A4%A')).status).toBe(400);
    expect((await server.api.get('/health')).status).toBe('ok');
  });

  it('streams timeline entries as Server-Sent Events', async () => {
    const controller = new AbortController();
    const response = await server.api.fetch('/events', { signal: controller.signal });
    const reader = response.body!.getReader();
    sip.send(
      inviteText({
        service: 'music',
        callId: 'sse-1',
        serverPort: server.sipPort,
        clientPort: sip.port,
      }),
      server.sipPort,
    );
    let text = '';
    await waitFor(async () => {
      text += new TextDecoder().decode((await reader.read()).value);
      return text.includes('"type":"answered"') || undefined;
    });
    controller.abort();
    expect(text).toMatch(/event: invite\ndata: \{"t":\d+,"callId":"sse-1","type":"invite"/);
    const ok = await sip.next(isResponse('sse-1', 200));
    sip.send(inDialogText('ACK', ok, sip.port, 1, 'z9hG4bKacks'), server.sipPort);
    sip.send(inDialogText('BYE', ok, sip.port, 2, 'z9hG4bKbyes'), server.sipPort);
    await sip.next(isResponse('sse-1', 200, 'BYE'));
  });
});

describe('queue against a scripted proxy', () => {
  let server: Server;
  let caller: RawSip;
  let proxy: RawSip;

  beforeAll(async () => {
    caller = await RawSip.open();
    proxy = await RawSip.open();
    server = await startTestServer({ PROXY: `127.0.0.1:${proxy.port}` });
  });
  afterAll(async () => {
    caller.close();
    proxy.close();
    await server.stop();
  });

  /** Calls to agents already taken from the proxy's inbox: their retransmissions are not new. */
  const dialled = new Set<string>();

  /** The next new INVITE to `agent` (a retransmission of one taken before never matches). */
  async function agentInvite(agent: string, timeoutMs?: number): Promise<SipMessage> {
    const invite = await proxy.next(
      (m) =>
        m.kind === 'request' &&
        m.method === 'INVITE' &&
        m.uri === `sip:${agent}@helpline.test` &&
        !dialled.has(getHeader(m, 'call-id') ?? ''),
      timeoutMs,
    );
    dialled.add(getHeader(invite, 'call-id') ?? '');
    return invite;
  }

  async function callQueue(callId: string, headers: string[] = []): Promise<SipMessage> {
    caller.send(
      inviteText({
        service: 'queue',
        callId,
        serverPort: server.sipPort,
        clientPort: caller.port,
        headers,
      }),
      server.sipPort,
    );
    const ok = await caller.next(isResponse(callId, 200));
    caller.send(inDialogText('ACK', ok, caller.port, 1, `z9hG4bKack${callId}`), server.sipPort);
    return ok;
  }

  it('tries the next agent after 486, ACKs both finals, bridges and ends both legs', async () => {
    const ok = await callQueue('q-next');
    const first = await agentInvite('agent1');
    expect(first.body.toString()).toMatch(/m=audio \d+ RTP\/AVP 0 8 101/);
    // Marked as a queue call: the SBC rings only an available agent (kamailio.cfg, LOCATION).
    expect(getHeader(first, 'x-queue-call')).toBe('1');
    proxy.send(responseText(first, 486, 'Busy Here', { toTag: 'busy' }), server.sipPort);
    await proxy.next(
      (m) =>
        m.kind === 'request' &&
        m.method === 'ACK' &&
        getHeader(m, 'call-id') === getHeader(first, 'call-id'),
    );

    const second = await agentInvite('agent2');
    proxy.send(responseText(second, 180, 'Ringing', { toTag: 'a2' }), server.sipPort);
    proxy.send(
      responseText(second, 200, 'OK', { toTag: 'a2', contactPort: proxy.port, sdpPort: 9 }),
      server.sipPort,
    );
    const ack = await proxy.next(
      (m) =>
        m.kind === 'request' &&
        m.method === 'ACK' &&
        getHeader(m, 'call-id') === getHeader(second, 'call-id'),
    );
    expect(getHeader(ack, 'to')).toContain('tag=a2');

    const call = await server.api.waitForEntry('q-next', (e) => e.type === 'bridge');
    expect(call.timeline.find((e: Json) => e.type === 'queue-agent-failed')).toMatchObject({
      agent: 'agent1',
      status: 486,
    });
    expect(call.peerCallId).toBe(getHeader(second, 'call-id'));

    caller.send(inDialogText('BYE', ok, caller.port, 2, 'z9hG4bKbyeq'), server.sipPort);
    await caller.next(isResponse('q-next', 200, 'BYE'));
    const bye = await proxy.next((m) => m.kind === 'request' && m.method === 'BYE');
    expect(getHeader(bye, 'call-id')).toBe(getHeader(second, 'call-id'));
    proxy.send(responseText(bye, 200, 'OK'), server.sipPort);
    const agentLeg = await server.api.waitForEntry(
      getHeader(second, 'call-id')!,
      (e) => e.type === 'ended',
    );
    expect(agentLeg.reason).toBe('bridge-peer-ended');
  });

  it('rings the next agent when a CANCELled one never sends a final response (64×T1, RFC 3261 §9.1)', {
    timeout: 30_000,
  }, async () => {
    const ok = await callQueue('q-vanished');
    const first = await agentInvite('agent1');
    const firstCallId = getHeader(first, 'call-id')!;
    proxy.send(responseText(first, 180, 'Ringing', { toTag: 'gone' }), server.sipPort);
    // The ring timeout (2 s here) CANCELs it; the phone is gone: 200 to the CANCEL from the
    // proxy, and never a 487.
    const cancel = await proxy.next(
      (m) =>
        m.kind === 'request' && m.method === 'CANCEL' && getHeader(m, 'call-id') === firstCallId,
    );
    proxy.send(responseText(cancel, 200, 'OK'), server.sipPort);

    const second = await agentInvite('agent2', 15_000);
    const call = await server.api.waitForEntry(
      'q-vanished',
      (e) => e.type === 'queue-agent-failed',
    );
    expect(call.timeline.find((e: Json) => e.type === 'queue-agent-failed')).toMatchObject({
      agent: 'agent1',
      status: 408,
    });
    const firstLeg = await server.api.waitForEntry(firstCallId, (e) => e.type === 'ended');
    expect(firstLeg.reason).toBe('agent-no-final-response');
    // T1 is 100 ms in tests: the give-up came 64×T1 after the CANCEL (which the ring timeout
    // sent 2 s after the dial, or later), not before.
    const at = (entries: Json[], type: string) => entries.find((e) => e.type === type)?.t as number;
    const dialled = at(call.timeline, 'queue-dial');
    expect(at(firstLeg.timeline, 'ended') - dialled).toBeGreaterThanOrEqual(2000 + 64 * 100);

    // A 200 that comes after all is ACKed and ended with a BYE.
    proxy.send(
      responseText(first, 200, 'OK', { toTag: 'gone', contactPort: proxy.port, sdpPort: 9 }),
      server.sipPort,
    );
    await proxy.next(
      (m) => m.kind === 'request' && m.method === 'ACK' && getHeader(m, 'call-id') === firstCallId,
    );
    const bye = await proxy.next(
      (m) => m.kind === 'request' && m.method === 'BYE' && getHeader(m, 'call-id') === firstCallId,
    );
    proxy.send(responseText(bye, 200, 'OK'), server.sipPort);

    // The caller leaves before agent2 answers: the queue stops, and rings no one else.
    caller.send(inDialogText('BYE', ok, caller.port, 2, 'z9hG4bKbyevan'), server.sipPort);
    await caller.next(isResponse('q-vanished', 200, 'BYE'));
    proxy.send(responseText(second, 487, 'Request Terminated', { toTag: 'b2' }), server.sipPort);
    await server.api.waitForEntry(getHeader(second, 'call-id')!, (e) => e.type === 'ended');
  });

  it("passes the caller's quality warnings (INFO) to the agent's leg, rewritten; a malformed one not at all", async () => {
    const ok = await callQueue('q-quality');
    const ringing = await agentInvite('agent1');
    proxy.send(
      responseText(ringing, 200, 'OK', { toTag: 'aq', contactPort: proxy.port, sdpPort: 9 }),
      server.sipPort,
    );
    await server.api.waitForEntry('q-quality', (e) => e.type === 'bridge');
    const agentCallId = getHeader(ringing, 'call-id')!;
    const info = (cseq: number, body: string) =>
      inDialogText('INFO', ok, caller.port, cseq, `z9hG4bKqinfo${cseq}`).replace(
        'Content-Length: 0\r\n\r\n',
        `Content-Type: application/vnd.helpline.quality+json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      );

    caller.send(
      info(
        2,
        '{ "warnings" : ["high-loss", "high-loss"], "mos": {"inbound": 2.5, "outbound": 4.123} }',
      ),
      server.sipPort,
    );
    await caller.next(isResponse('q-quality', 200, 'INFO'));
    const relayed = await proxy.next(
      (m) => m.kind === 'request' && m.method === 'INFO' && getHeader(m, 'call-id') === agentCallId,
    );
    expect(getHeader(relayed, 'content-type')).toBe('application/vnd.helpline.quality+json');
    expect(relayed.body.toString()).toBe(
      '{"warnings":["high-loss"],"mos":{"inbound":2.5,"outbound":4.12}}',
    );
    proxy.send(responseText(relayed, 200, 'OK'), server.sipPort);
    const visitor = await server.api.waitForEntry('q-quality', (e) => e.type === 'remote-quality');
    expect(visitor.timeline.find((e: Json) => e.type === 'remote-quality')).toMatchObject({
      warnings: ['high-loss'],
      mos: { inbound: 2.5, outbound: 4.12 },
    });

    caller.send(info(3, '{"warnings":["<img src=x>"]}'), server.sipPort);
    await caller.next(isResponse('q-quality', 400, 'INFO'));
    caller.send(inDialogText('BYE', ok, caller.port, 4, 'z9hG4bKbyeq-quality'), server.sipPort);
    await caller.next(isResponse('q-quality', 200, 'BYE'));
    const bye = await proxy.next(
      (m) => m.kind === 'request' && m.method === 'BYE' && getHeader(m, 'call-id') === agentCallId,
    );
    proxy.send(responseText(bye, 200, 'OK'), server.sipPort);
    // Only the well-formed report reached the agent. (A copy of it may come again: over
    // UDP the media server retransmits an INFO whose 200 a loaded machine sent late.)
    expect(
      proxy.count(
        (m) =>
          m.kind === 'request' &&
          m.method === 'INFO' &&
          getHeader(m, 'call-id') === agentCallId &&
          getHeader(m, 'cseq') !== getHeader(relayed, 'cseq'),
      ),
    ).toBe(0);
  });

  it("passes the caller's context to the agent's leg as it came; a malformed one not at all", async () => {
    const context = '{"orderId":"A-17","page":"https://shop.example/help"}';
    const ok = await callQueue('q-context', [`X-Context: ${context}`]);
    const ringing = await agentInvite('agent1');
    expect(getHeader(ringing, 'x-context')).toBe(context);
    const invite = await server.api.waitForEntry('q-context', (e) => e.type === 'invite');
    expect(invite.timeline.find((e: Json) => e.type === 'invite')?.context).toBe(context);
    proxy.send(responseText(ringing, 486, 'Busy Here', { toTag: 'c1' }), server.sipPort);
    caller.send(inDialogText('BYE', ok, caller.port, 2, 'z9hG4bKbyectx'), server.sipPort);
    await caller.next(isResponse('q-context', 200, 'BYE'));

    // Two headers, or bytes past printable ASCII: nothing reaches the agent.
    const twice = await callQueue('q-context-2', ['X-Context: {"a":"1"}', 'X-Context: {"b":"2"}']);
    const second = await agentInvite('agent1');
    expect(getHeader(second, 'x-context')).toBeUndefined();
    proxy.send(responseText(second, 486, 'Busy Here', { toTag: 'c2' }), server.sipPort);
    caller.send(inDialogText('BYE', twice, caller.port, 2, 'z9hG4bKbyectx2'), server.sipPort);
    await caller.next(isResponse('q-context-2', 200, 'BYE'));
  });

  it('CANCELs the ringing agent when the caller hangs up', async () => {
    const ok = await callQueue('q-cancel');
    const ringing = await agentInvite('agent1');
    proxy.send(responseText(ringing, 180, 'Ringing', { toTag: 'r1' }), server.sipPort);
    await server.api.waitForEntry(getHeader(ringing, 'call-id')!, (e) => e.type === 'ringing');
    caller.send(inDialogText('BYE', ok, caller.port, 2, 'z9hG4bKbyec'), server.sipPort);
    const cancel = await proxy.next((m) => m.kind === 'request' && m.method === 'CANCEL');
    expect(getHeader(cancel, 'via')).toBe(getHeader(ringing, 'via'));
    proxy.send(responseText(cancel, 200, 'OK'), server.sipPort);
    proxy.send(responseText(ringing, 487, 'Request Terminated', { toTag: 'r1' }), server.sipPort);
    await proxy.next(
      (m) =>
        m.kind === 'request' &&
        m.method === 'ACK' &&
        getHeader(m, 'call-id') === getHeader(ringing, 'call-id'),
    );
    const agentLeg = await server.api.waitForEntry(
      getHeader(ringing, 'call-id')!,
      (e) => e.type === 'ended',
    );
    expect(agentLeg.reason).toBe('agent-487');
  });
});

describe('late offer', () => {
  it('offers in the 200 when the INVITE has no SDP and takes the answer from the ACK', async () => {
    const server = await startTestServer();
    const sip = await RawSip.open();
    try {
      const withoutSdp = inviteText({
        service: 'music',
        callId: 'late-1',
        serverPort: server.sipPort,
        clientPort: sip.port,
      }).replace(
        /Content-Type: application\/sdp\r\nContent-Length: \d+\r\n\r\n[\s\S]*$/,
        'Content-Length: 0\r\n\r\n',
      );
      sip.send(withoutSdp, server.sipPort);
      const ok = await sip.next(isResponse('late-1', 200));
      expect(ok.body.toString()).toMatch(/m=audio \d+ RTP\/AVP 0 8 101/);
      const answer =
        'v=0\r\no=raw 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n';
      const ack = inDialogText('ACK', ok, sip.port, 1, 'z9hG4bKacklate').replace(
        'Content-Length: 0\r\n\r\n',
        `Content-Type: application/sdp\r\nContent-Length: ${answer.length}\r\n\r\n${answer}`,
      );
      sip.send(ack, server.sipPort);
      const call = await waitFor(() => {
        const active = server.ua.calls.get('late-1');
        return active && active.rtp.codec === 'PCMA' && active.stats().packetsSent > 0
          ? active
          : undefined;
      });
      expect(call.state).toBe('answered');
    } finally {
      sip.close();
      await server.stop();
    }
  });
});

describe('RTP timeout while the caller holds', () => {
  it('a holder that sends nothing keeps the call until the hold timeout, not the RTP timeout', async () => {
    const server = await startTestServer({ RTP_TIMEOUT_S: '1', RTP_HOLD_TIMEOUT_S: '3' });
    const sip = await RawSip.open();
    try {
      const offer = (direction: string) =>
        inviteText({
          service: 'music',
          callId: 'held-quiet',
          serverPort: server.sipPort,
          clientPort: sip.port,
          direction,
        });
      sip.send(offer('sendrecv'), server.sipPort);
      const ok = await sip.next(isResponse('held-quiet', 200));
      sip.send(inDialogText('ACK', ok, sip.port, 1, 'z9hG4bKheldack1'), server.sipPort);
      // The hold, as our widget sends it: sendonly, and then no RTP at all (nor before).
      const body = offer('sendonly').split('\r\n\r\n')[1]!;
      sip.send(
        inDialogText('INVITE', ok, sip.port, 2, 'z9hG4bKheld2').replace(
          'Content-Length: 0\r\n\r\n',
          `Content-Type: application/sdp\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
        ),
        server.sipPort,
      );
      const held = await sip.next(isResponse('held-quiet', 200, 'INVITE'));
      sip.send(inDialogText('ACK', held, sip.port, 2, 'z9hG4bKheldack2'), server.sipPort);

      const call = await server.api.waitForEntry('held-quiet', (e) => e.type === 'ended', 10_000);
      expect(call.reason).toBe('rtp-hold-timeout');
      const at = (type: string) => call.timeline.find((e: Json) => e.type === type)?.t as number;
      // Ended by the hold timeout (3 s after the hold), not the RTP timeout (1 s).
      expect(at('ended') - at('hold')).toBeGreaterThanOrEqual(3000);
      const bye = await sip.next((m) => m.kind === 'request' && m.method === 'BYE');
      expect(getHeader(bye, 'reason')).toBe('Q.850;cause=102;text="RTP timeout"');
    } finally {
      sip.close();
      await server.stop();
    }
  });
});
