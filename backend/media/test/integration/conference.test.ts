/**
 * 3-way calls and listen-in on a queue call (services/three-way.ts, conference.ts,
 * listen.ts), with the SBC and the agents' phones played by raw UDP: agent1 adds agent2 with
 * a REFER marked X-Conference: add, drops it with Refer-To ;method=BYE, and leaves; a
 * supervisor's leg listens. Every step is checked on the wire, in the timelines and in RTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode } from '../../src/media/g711.js';
import { parseRtp } from '../../src/media/rtp.js';
import { getHeader, type SipMessage } from '../../src/sip/message.js';
import {
  inDialogText,
  inviteText,
  isResponse,
  type Json,
  RtpPeer,
  responseText,
  rtpPacket,
  serverRtpPort,
  waitFor,
} from '../harness.js';
import { type AgentLeg, type BridgedCall, Scene } from './queue-scene.js';

const ADD_AGENT2 = ['Refer-To: <sip:agent2@helpline.test>', 'X-Conference: add'];
const DROP_AGENT2 = ['Refer-To: <sip:agent2@helpline.test;method=BYE>'];
/** A loud PCMU frame (µ-law 0x2a, some 10 000 in linear PCM). */
const LOUD_PCMU = Buffer.alloc(160, 0x2a);

/** Whether an RTP packet carries audio louder than silence (PCMU or PCMA). */
function isLoud(packet: Buffer): boolean {
  const rtp = parseRtp(packet);
  if (!rtp || (rtp.payloadType !== 0 && rtp.payloadType !== 8)) return false;
  const samples = decode(rtp.payloadType === 0 ? 'PCMU' : 'PCMA', rtp.payload);
  return samples.some((sample) => Math.abs(sample) > 1000);
}

describe('3-way calls and listen-in on a queue call', { timeout: 20_000 }, () => {
  let scene: Scene;
  const rtpPeers: RtpPeer[] = [];

  beforeAll(async () => {
    scene = await Scene.start();
  });
  afterAll(async () => {
    for (const peer of rtpPeers) peer.close();
    await scene.stop();
  });

  async function rtpPeer(): Promise<RtpPeer> {
    const peer = await RtpPeer.open();
    rtpPeers.push(peer);
    return peer;
  }

  /** agent1 adds agent2 (answering on `rtpPort`); resolves with agent2's leg and its INVITE. */
  async function addAgent2(call: BridgedCall, rtpPort = 9): Promise<AgentLeg> {
    const { server, proxy } = scene;
    expect(await scene.refer(call.agent, ADD_AGENT2)).toMatchObject({ status: 202 });
    const trying = await scene.notify(call.agent, 'active');
    expect(trying.body.toString().trim()).toBe('SIP/2.0 100 Trying');
    const ringing = await scene.agentInvite('agent2', call.callId);
    proxy.send(responseText(ringing, 180, 'Ringing', { toTag: 't2' }), server.sipPort);
    const party = await scene.answerAgent(ringing, 't2', rtpPort);
    const done = await scene.notify(call.agent, 'terminated');
    expect(done.body.toString().trim()).toBe('SIP/2.0 200 OK');
    await server.api.waitForEntry(
      call.callId,
      (e) => e.type === 'conference-join' && e.user === 'agent2' && e.role === 'talker',
    );
    return party;
  }

  it('mixes the colleague in; when the agent hangs up, the visitor and the colleague talk on', async () => {
    const { server, proxy } = scene;
    const visitorRtp = await rtpPeer();
    const partyRtp = await rtpPeer();
    const call = await scene.bridgedCall('conf-ok', { mediaPort: visitorRtp.port });
    const party = await addAgent2(call, partyRtp.port);
    expect(await scene.timeline(call.agent.callId)).toContainEqual(
      expect.objectContaining({ type: 'conference-added', target: 'agent2', member: party.callId }),
    );

    // The visitor's audio reaches the colleague, and the colleague's the visitor (what the
    // visitor heard before, the queue's music, does not count).
    const heardBefore = visitorRtp.rtpIn.length;
    for (let sequence = 1; sequence <= 5; sequence++) {
      visitorRtp.rtp.send(rtpPacket(0, sequence, LOUD_PCMU), serverRtpPort(call.ok), '127.0.0.1');
    }
    await waitFor(() => partyRtp.rtpIn.some(isLoud));
    const partyServerPort = serverRtpPort(party.invite);
    for (let sequence = 1; sequence <= 5; sequence++) {
      partyRtp.rtp.send(rtpPacket(0, sequence, LOUD_PCMU), partyServerPort, '127.0.0.1');
    }
    await waitFor(() => visitorRtp.rtpIn.slice(heardBefore).some(isLoud));

    // The agent hangs up: two talkers are left, bridged again.
    proxy.send(scene.fromAgent('BYE', call.agent), server.sipPort);
    await proxy.next(isResponse(call.agent.callId, 200, 'BYE'));
    const visitor = await server.api.waitForEntry(
      'conf-ok',
      (e) => e.type === 'bridge' && e.peerCallId === party.callId,
    );
    expect(visitor.state).toBe('answered');
    expect(server.ua.calls.get(party.callId)?.state).toBe('answered');
    const left = (await scene.timeline(call.agent.callId)).find(
      (e: Json) => e.type === 'conference-leave' && e.member === call.agent.callId,
    );
    expect(left).toMatchObject({ role: 'talker', user: 'agent1' });

    await scene.visitorBye(call);
    await scene.byeFromServer(party.callId);
    const partyLeg = await server.api.waitForEntry(party.callId, (e) => e.type === 'ended');
    expect(partyLeg.reason).toBe('bridge-peer-ended');
  });

  it('drops the colleague (REFER ;method=BYE): BYE to its leg, NOTIFY 200, the call goes on', async () => {
    const { server } = scene;
    const call = await scene.bridgedCall('conf-drop');
    const party = await addAgent2(call);

    expect(await scene.refer(call.agent, DROP_AGENT2)).toMatchObject({ status: 202 });
    await scene.byeFromServer(party.callId);
    const done = await scene.notify(call.agent, 'terminated');
    expect(done.body.toString().trim()).toBe('SIP/2.0 200 OK');
    const dropped = await server.api.waitForEntry(party.callId, (e) => e.type === 'ended');
    expect(dropped.timeline.find((e: Json) => e.type === 'ended').reason).toBe('dropped');
    await server.api.waitForEntry(
      'conf-drop',
      (e) => e.type === 'bridge' && e.peerCallId === call.agent.callId,
    );
    expect(server.ua.calls.get(call.agent.callId)?.state).toBe('answered');

    await scene.visitorBye(call);
    await scene.byeFromServer(call.agent.callId);
  });

  it('refuses what it cannot do, with a final response and no NOTIFY', async () => {
    const call = await scene.bridgedCall('conf-refuse');
    const refusals: [string[], number, string][] = [
      [
        ['Refer-To: <sip:agent2@helpline.test>', 'X-Conference: merge'],
        400,
        'Unknown X-Conference',
      ],
      [['Refer-To: <sip:agent1@helpline.test>', 'X-Conference: add'], 403, 'Already In The Call'],
      [
        ['Refer-To: <sip:agent2@elsewhere.example>', 'X-Conference: add'],
        403,
        'Refer-To Outside Our Domain',
      ],
      [DROP_AGENT2, 403, 'Not In A Conference'],
    ];
    for (const [headers, status, reason] of refusals) {
      expect(await scene.refer(call.agent, headers)).toMatchObject({ status, reason });
    }
    const party = await addAgent2(call);
    const notParty = ['Refer-To: <sip:raw@helpline.test;method=BYE>'];
    expect(await scene.refer(call.agent, notParty)).toMatchObject({
      status: 404,
      reason: 'Not A Participant',
    });
    const notBye = ['Refer-To: <sip:agent2@helpline.test;method=INVITE>'];
    expect(await scene.refer(call.agent, notBye)).toMatchObject({ status: 501 });
    expect(scene.server.ua.calls.get(party.callId)?.state).toBe('answered');
    expect(scene.server.ua.calls.get('conf-refuse')?.state).toBe('answered');

    // The visitor leaves first: the two agents stay, bridged; the last one out ends it.
    const { server, proxy } = scene;
    await scene.visitorBye(call);
    await server.api.waitForEntry(
      call.agent.callId,
      (e) => e.type === 'bridge' && e.peerCallId === party.callId,
    );
    proxy.send(scene.fromAgent('BYE', call.agent), server.sipPort);
    await proxy.next(isResponse(call.agent.callId, 200, 'BYE'));
    await scene.byeFromServer(party.callId);
  });

  it('listens in: hears both legs, is never mixed in, and leaves the call as it was; 480 without a call', async () => {
    const { server, caller } = scene;
    const listenInvite = (callId: string, mediaPort: number) =>
      inviteText({
        service: 'listen-agent1',
        callId,
        serverPort: server.sipPort,
        clientPort: caller.port,
        mediaPort,
      });
    caller.send(listenInvite('listen-none', 9), server.sipPort);
    const none = (await caller.next(isResponse('listen-none', 480))) as SipMessage & {
      reason: string;
    };
    expect(none.reason).toBe('Agent Not In A Call');

    const visitorRtp = await rtpPeer();
    const listenerRtp = await rtpPeer();
    const call = await scene.bridgedCall('conf-listened', { mediaPort: visitorRtp.port });
    caller.send(listenInvite('listener', listenerRtp.port), server.sipPort);
    const ok = await caller.next(
      (m) => m.kind === 'response' && m.status >= 200 && getHeader(m, 'call-id') === 'listener',
    );
    expect(ok.kind === 'response' && `${ok.status} ${ok.reason}`).toBe('200 OK');
    caller.send(inDialogText('ACK', ok, caller.port, 1, scene.branch()), server.sipPort);
    await server.api.waitForEntry(
      'conf-listened',
      (e) => e.type === 'conference-join' && e.member === 'listener' && e.role === 'listener',
    );

    // The listener hears the visitor; what it sends goes nowhere (agent1 sends nothing, so
    // from now on the visitor must hear nothing loud; before, it heard the queue's music).
    const heardBefore = visitorRtp.rtpIn.length;
    for (let sequence = 1; sequence <= 5; sequence++) {
      visitorRtp.rtp.send(rtpPacket(0, sequence, LOUD_PCMU), serverRtpPort(call.ok), '127.0.0.1');
      listenerRtp.rtp.send(rtpPacket(0, sequence, LOUD_PCMU), serverRtpPort(ok), '127.0.0.1');
    }
    await waitFor(() => listenerRtp.rtpIn.some(isLoud));

    caller.send(inDialogText('BYE', ok, caller.port, 2, scene.branch()), server.sipPort);
    await caller.next(isResponse('listener', 200, 'BYE'));
    const listener = await server.api.waitForEntry(
      'listener',
      (e) => e.type === 'conference-leave',
    );
    const left = listener.timeline.find((e: Json) => e.type === 'conference-leave');
    expect(left).toMatchObject({ role: 'listener', mixedIn: 0 });
    expect(left.discarded).toBeGreaterThanOrEqual(5);
    expect(left.heard['conf-listened']).toBeGreaterThan(0);
    // Nobody else heard it: the visitor's leg went back to its bridge with agent1.
    await server.api.waitForEntry(
      'conf-listened',
      (e) => e.type === 'bridge' && e.peerCallId === call.agent.callId,
    );
    expect(visitorRtp.rtpIn.slice(heardBefore).some(isLoud)).toBe(false);

    await scene.visitorBye(call);
    await scene.byeFromServer(call.agent.callId);
  });
});
