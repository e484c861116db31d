/**
 * Blind transfer (REFER) of a queue call, with the SBC and the agents' phones played by raw
 * UDP: a visitor calls the queue, agent1 answers, agent1's phone REFERs the call to agent2.
 * Every step is checked on the wire and in the server's timelines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { isNotify, isRequest, REFER_TO_AGENT2, Scene } from './queue-scene.js';

const body = (m: SipMessage) => m.body.toString();

describe('blind transfer (REFER) of a queue call', { timeout: 20_000 }, () => {
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

  it('rings the target, moves the visitor to it when it answers, and lets the agent go', async () => {
    const { server, proxy } = scene;
    const visitorRtp = await rtpPeer();
    const targetRtp = await rtpPeer();
    const context = '{"orderId":"A-17"}';
    const call = await scene.bridgedCall('xfer-ok', {
      headers: [`X-Context: ${context}`],
      mediaPort: visitorRtp.port,
    });
    const { agent } = call;
    expect(getHeader(agent.invite, 'allow')).toMatch(/\bREFER\b.*\bNOTIFY\b/);

    const accepted = await scene.refer(agent);
    expect(accepted.kind === 'response' && accepted.status).toBe(202);

    const trying = await scene.notify(agent, 'active');
    expect(trying.kind === 'request' && trying.uri).toBe(`sip:agent@127.0.0.1:${proxy.port}`);
    expect(getHeader(trying, 'cseq')).toBe('2 NOTIFY');
    expect(getHeader(trying, 'to')).toContain(';tag=a1');
    expect(getHeader(trying, 'event')).toBe('refer;id=1');
    expect(getHeader(trying, 'subscription-state')).toBe('active;expires=60');
    expect(getHeader(trying, 'content-type')).toBe('message/sipfrag;version=2.0');
    expect(body(trying).trim()).toBe('SIP/2.0 100 Trying');

    // The target is rung as the queue rings agents: the visitor's name and context.
    const ringing = await scene.agentInvite('agent2', 'xfer-ok');
    expect(getHeader(ringing, 'from')).toMatch(/^"xfer-ok" <sip:queue@helpline\.test>;tag=/);
    expect(getHeader(ringing, 'x-context')).toBe(context);
    // Not a queue call: a transfer rings its target even when Away (kamailio.cfg, LOCATION).
    expect(getHeader(ringing, 'x-queue-call')).toBeUndefined();
    proxy.send(responseText(ringing, 180, 'Ringing', { toTag: 't2' }), server.sipPort);
    const target = await scene.answerAgent(ringing, 't2', targetRtp.port);

    const done = await scene.notify(agent, 'terminated');
    expect(getHeader(done, 'cseq')).toBe('3 NOTIFY');
    expect(getHeader(done, 'subscription-state')).toBe('terminated;reason=noresource');
    expect(body(done).trim()).toBe('SIP/2.0 200 OK');

    const visitor = await server.api.waitForEntry(
      'xfer-ok',
      (e) => e.type === 'bridge' && e.peerCallId === target.callId,
    );
    const steps = visitor.timeline
      .filter((e: Json) => e.type.startsWith('transfer') || e.type === 'bridge')
      .map((e: Json) => (e.type === 'bridge' ? `bridge ${e.peerCallId}` : e.type));
    expect(steps).toEqual([
      `bridge ${agent.callId}`,
      'transfer',
      'transfer-answered',
      `bridge ${target.callId}`,
    ]);
    expect(visitor.timeline.find((e: Json) => e.type === 'transfer')).toMatchObject({
      by: agent.callId,
      target: 'agent2',
    });
    expect(visitor.timeline.find((e: Json) => e.type === 'transfer-answered')).toMatchObject({
      target: 'agent2',
      peerCallId: target.callId,
    });
    expect(visitor.peerCallId).toBe(target.callId);
    expect(await scene.timeline(agent.callId)).toContainEqual(
      expect.objectContaining({ type: 'refer', target: 'agent2' }),
    );

    // The agent hangs up, as a transferor does: the visitor stays, now with the target.
    proxy.send(scene.fromAgent('BYE', agent), server.sipPort);
    await proxy.next(isResponse(agent.callId, 200, 'BYE'));
    const agentLeg = await server.api.waitForEntry(agent.callId, (e) => e.type === 'ended');
    expect(agentLeg.reason).toBe('transferred');
    expect(server.ua.calls.get('xfer-ok')?.state).toBe('answered');

    // The visitor's audio reaches the target (PCMU both ways here: relayed as sent).
    const payload = Buffer.alloc(160, 0x2a);
    for (let sequence = 1; sequence <= 5; sequence++) {
      visitorRtp.rtp.send(rtpPacket(0, sequence, payload), serverRtpPort(call.ok), '127.0.0.1');
    }
    await waitFor(() =>
      targetRtp.rtpIn.some((packet) => parseRtp(packet)?.payload.equals(payload)),
    );

    await scene.visitorBye(call);
    await scene.byeFromServer(target.callId);
    const targetLeg = await server.api.waitForEntry(target.callId, (e) => e.type === 'ended');
    expect(targetLeg.reason).toBe('bridge-peer-ended');
  });

  it('attended: the call to the consulted target replaces the consultation', async () => {
    const { server, proxy } = scene;
    const call = await scene.bridgedCall('xfer-attended');
    const { agent } = call;
    // agent1 consulted agent2 in a call of their own (Call-ID consult-1, tags c1 and c2).
    const referTo =
      'Refer-To: <sip:agent2@helpline.test?Replaces=consult-1%40phone%3Bto-tag%3Dc2%3Bfrom-tag%3Dc1>';
    expect(await scene.refer(agent, [referTo])).toMatchObject({ status: 202 });
    await scene.notify(agent, 'active');

    const invite = await scene.agentInvite('agent2', 'xfer-attended');
    expect(getHeader(invite, 'replaces')).toBe('consult-1@phone;to-tag=c2;from-tag=c1');
    const target = await scene.answerAgent(invite, 't2');
    const done = await scene.notify(agent, 'terminated');
    expect(body(done).trim()).toBe('SIP/2.0 200 OK');

    const visitor = await server.api.waitForEntry(
      'xfer-attended',
      (e) => e.type === 'bridge' && e.peerCallId === target.callId,
    );
    expect(visitor.timeline.find((e: Json) => e.type === 'transfer')).toMatchObject({
      target: 'agent2',
      attended: true,
    });
    expect(await scene.timeline(agent.callId)).toContainEqual(
      expect.objectContaining({ type: 'refer', target: 'agent2', attended: true }),
    );
    proxy.send(scene.fromAgent('BYE', agent), server.sipPort);
    await proxy.next(isResponse(agent.callId, 200, 'BYE'));
    expect((await server.api.waitForEntry(agent.callId, (e) => e.type === 'ended')).reason).toBe(
      'transferred',
    );
    await scene.visitorBye(call);
    await scene.byeFromServer(target.callId);
  });

  it('attended: a target that no longer has the consultation (481) leaves the visitor with the agent', async () => {
    const { server, proxy } = scene;
    const call = await scene.bridgedCall('xfer-attended-gone');
    const { agent } = call;
    const referTo =
      'Refer-To: <sip:agent2@helpline.test?Replaces=gone%3Bto-tag%3Dc2%3Bfrom-tag%3Dc1>';
    expect(await scene.refer(agent, [referTo])).toMatchObject({ status: 202 });
    await scene.notify(agent, 'active');
    const invite = await scene.agentInvite('agent2', 'xfer-attended-gone');
    proxy.send(
      responseText(invite, 481, 'Call/Transaction Does Not Exist', { toTag: 'x' }),
      server.sipPort,
    );
    const done = await scene.notify(agent, 'terminated');
    expect(body(done).trim()).toBe('SIP/2.0 481 Call/Transaction Does Not Exist');
    const visitor = await server.api.waitForEntry(
      'xfer-attended-gone',
      (e) => e.type === 'transfer-failed',
    );
    expect(visitor.peerCallId).toBe(agent.callId);
    await scene.visitorBye(call);
    await scene.byeFromServer(agent.callId);
  });

  it('keeps the visitor with the agent when the target is busy, and tells the agent', async () => {
    const { server, proxy } = scene;
    const call = await scene.bridgedCall('xfer-busy');
    const { agent } = call;
    expect(await scene.refer(agent)).toMatchObject({ status: 202 });
    await scene.notify(agent, 'active');
    const ringing = await scene.agentInvite('agent2', 'xfer-busy');
    proxy.send(responseText(ringing, 486, 'Busy Here', { toTag: 'busy' }), server.sipPort);
    await proxy.next(isRequest('ACK', getHeader(ringing, 'call-id')!));

    const done = await scene.notify(agent, 'terminated');
    expect(getHeader(done, 'subscription-state')).toBe('terminated;reason=noresource');
    expect(body(done).trim()).toBe('SIP/2.0 486 Busy Here');
    const visitor = await server.api.waitForEntry('xfer-busy', (e) => e.type === 'transfer-failed');
    expect(visitor.timeline.find((e: Json) => e.type === 'transfer-failed')).toMatchObject({
      target: 'agent2',
      status: 486,
      reason: 'Busy Here',
    });
    expect(visitor.peerCallId).toBe(agent.callId);
    expect(visitor.state).toBe('answered');

    // Still bridged to the agent: the visitor's BYE reaches the agent's leg.
    await scene.visitorBye(call);
    await scene.byeFromServer(agent.callId);
    const agentLeg = await server.api.waitForEntry(agent.callId, (e) => e.type === 'ended');
    expect(agentLeg.reason).toBe('bridge-peer-ended');
  });

  it('refuses what it cannot do, with a final response and no NOTIFY', async () => {
    const { server, proxy, caller } = scene;
    const call = await scene.bridgedCall('xfer-refuse');
    const { agent } = call;
    const refused = async (headers: string[]) => {
      const response = await scene.refer(agent, headers);
      return response.kind === 'response' ? `${response.status} ${response.reason}` : '';
    };
    expect(await refused(['Refer-To: <sip:agent2@helpline.test?Subject=hi>'])).toBe(
      '501 Only Replaces Is Supported',
    );
    expect(await refused(['Refer-To: <sip:agent2@helpline.test?Replaces=abc>'])).toBe(
      '400 Bad Replaces',
    );
    expect(await refused(['Refer-To: <sip:agent2@elsewhere.example>'])).toMatch(/^403 /);
    expect(await refused([REFER_TO_AGENT2, 'Refer-To: <sip:agent3@helpline.test>'])).toMatch(
      /^400 /,
    );
    expect(await refused([])).toBe('400 Missing Refer-To');
    expect(proxy.count(isRequest('NOTIFY', agent.callId))).toBe(0);

    // One transfer at a time: a second REFER while the target rings gets 491.
    expect(await refused([REFER_TO_AGENT2])).toBe('202 Accepted');
    expect(await refused(['Refer-To: <sip:agent3@helpline.test>'])).toBe('491 Request Pending');
    await scene.notify(agent, 'active');
    const ringing = await scene.agentInvite('agent2', 'xfer-refuse');
    proxy.send(
      responseText(ringing, 480, 'Temporarily Unavailable', { toTag: 'x' }),
      server.sipPort,
    );
    const done = await scene.notify(agent, 'terminated');
    expect(body(done).trim()).toBe('SIP/2.0 480 Temporarily Unavailable');

    // The agent may try again; this REFER's NOTIFYs carry its CSeq as id (RFC 3515 §2.4.6).
    const retrySeq = agent.cseq;
    expect(await refused([REFER_TO_AGENT2])).toBe('202 Accepted');
    const retried = await scene.notify(agent, 'active');
    expect(getHeader(retried, 'event')).toBe(`refer;id=${retrySeq}`);
    const again = await scene.agentInvite('agent2', 'xfer-refuse');
    proxy.send(responseText(again, 486, 'Busy Here', { toTag: 'y' }), server.sipPort);
    expect(getHeader(await scene.notify(agent, 'terminated'), 'event')).toBe(
      `refer;id=${retrySeq}`,
    );

    // The visitor's own phone may not transfer: visitors reach agents through the queue.
    const fromVisitor = inDialogText('REFER', call.ok, caller.port, 2, scene.branch()).replace(
      'Content-Length: 0',
      `${REFER_TO_AGENT2}\r\nContent-Length: 0`,
    );
    caller.send(fromVisitor, server.sipPort);
    const visitorRefused = await caller.next(isResponse('xfer-refuse', 403, 'REFER'));
    expect(visitorRefused.kind === 'response' && visitorRefused.reason).toBe(
      'Only Agents Transfer',
    );
    await scene.visitorBye(call, 3);
    await scene.byeFromServer(agent.callId);

    // A call that is not bridged (echo), and a dialog that does not exist.
    caller.send(
      inviteText({
        service: 'echo',
        callId: 'xfer-echo',
        serverPort: server.sipPort,
        clientPort: caller.port,
      }),
      server.sipPort,
    );
    const echo = await caller.next(isResponse('xfer-echo', 200));
    caller.send(inDialogText('ACK', echo, caller.port, 1, scene.branch()), server.sipPort);
    const referEcho = (cseq: number) =>
      inDialogText('REFER', echo, caller.port, cseq, scene.branch()).replace(
        'Content-Length: 0',
        `${REFER_TO_AGENT2}\r\nContent-Length: 0`,
      );
    caller.send(referEcho(2), server.sipPort);
    const notBridged = await caller.next(isResponse('xfer-echo', 403, 'REFER'));
    expect(notBridged.kind === 'response' && notBridged.reason).toBe('Not Bridged');
    caller.send(referEcho(3).replace(/^(To: .*;tag=)[^;\r]+/m, '$1made-up'), server.sipPort);
    await caller.next(isResponse('xfer-echo', 481, 'REFER'));
    caller.send(inDialogText('BYE', echo, caller.port, 4, scene.branch()), server.sipPort);
    await caller.next(isResponse('xfer-echo', 200, 'BYE'));
  });

  it('cancels the target when the visitor hangs up while it rings', async () => {
    const { server, proxy } = scene;
    const call = await scene.bridgedCall('xfer-gone');
    const { agent } = call;
    expect(await scene.refer(agent)).toMatchObject({ status: 202 });
    await scene.notify(agent, 'active');
    const ringing = await scene.agentInvite('agent2', 'xfer-gone');
    proxy.send(responseText(ringing, 180, 'Ringing', { toTag: 'g' }), server.sipPort);
    await server.api.waitForEntry(getHeader(ringing, 'call-id')!, (e) => e.type === 'ringing');

    await scene.visitorBye(call);
    await scene.byeFromServer(agent.callId);
    const cancel = await scene.take(isRequest('CANCEL', getHeader(ringing, 'call-id')!));
    expect(getHeader(cancel, 'via')).toBe(getHeader(ringing, 'via'));
    proxy.send(responseText(cancel, 200, 'OK'), server.sipPort);
    proxy.send(responseText(ringing, 487, 'Request Terminated', { toTag: 'g' }), server.sipPort);
    const targetLeg = await server.api.waitForEntry(
      getHeader(ringing, 'call-id')!,
      (e) => e.type === 'ended',
    );
    expect(targetLeg.reason).toBe('agent-487');
    expect(proxy.count(isNotify(agent.callId, 'terminated'))).toBe(0);
  });
});

describe('blind transfer timeouts', { timeout: 20_000 }, () => {
  let scene: Scene;

  beforeAll(async () => {
    scene = await Scene.start({ TRANSFEROR_BYE_TIMEOUT_MS: '300' }, (ivr) => {
      ivr.queue.ringTimeoutMs = 1000;
    });
  });
  afterAll(async () => {
    await scene.stop();
  });

  it('CANCELs a target that does not answer in the ring timeout and tells the agent 408', async () => {
    const { server, proxy } = scene;
    const call = await scene.bridgedCall('xfer-noanswer');
    const { agent } = call;
    expect(await scene.refer(agent)).toMatchObject({ status: 202 });
    await scene.notify(agent, 'active');
    const ringing = await scene.agentInvite('agent2', 'xfer-noanswer');
    const targetCallId = getHeader(ringing, 'call-id')!;
    proxy.send(responseText(ringing, 180, 'Ringing', { toTag: 'n' }), server.sipPort);

    const cancel = await scene.take(isRequest('CANCEL', targetCallId));
    proxy.send(responseText(cancel, 200, 'OK'), server.sipPort);
    proxy.send(responseText(ringing, 487, 'Request Terminated', { toTag: 'n' }), server.sipPort);
    await proxy.next(isRequest('ACK', targetCallId));
    const done = await scene.notify(agent, 'terminated');
    expect(body(done).trim()).toBe('SIP/2.0 408 Request Timeout');
    const visitor = await server.api.waitForEntry(
      'xfer-noanswer',
      (e) => e.type === 'transfer-failed',
    );
    expect(visitor.timeline.find((e: Json) => e.type === 'transfer-failed')).toMatchObject({
      target: 'agent2',
      status: 408,
      reason: 'Request Timeout',
    });
    expect(visitor.peerCallId).toBe(agent.callId);

    await scene.visitorBye(call);
    await scene.byeFromServer(agent.callId);
  });

  it('hangs up an agent that stays after a successful transfer, as transferred', async () => {
    const { server } = scene;
    const call = await scene.bridgedCall('xfer-stays');
    const { agent } = call;
    expect(await scene.refer(agent)).toMatchObject({ status: 202 });
    await scene.notify(agent, 'active');
    const target = await scene.answerAgent(await scene.agentInvite('agent2', 'xfer-stays'), 't');
    await scene.notify(agent, 'terminated');

    // No BYE from the agent's phone: the server sends one after TRANSFEROR_BYE_TIMEOUT_MS.
    const bye = await scene.byeFromServer(agent.callId);
    expect(getHeader(bye, 'reason')).toBe('Q.850;cause=16;text="transferred"');
    const agentLeg = await server.api.waitForEntry(agent.callId, (e) => e.type === 'ended');
    expect(agentLeg.reason).toBe('transferred');
    const visitor = await server.api.call('xfer-stays');
    expect(visitor).toMatchObject({ state: 'answered', peerCallId: target.callId });

    await scene.visitorBye(call);
    await scene.byeFromServer(target.callId);
  });
});
