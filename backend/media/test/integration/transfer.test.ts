/**
 * Blind transfer (REFER) of a queue call, with the SBC and the agents' phones played by raw
 * UDP: a visitor calls the queue, agent1 answers, agent1's phone REFERs the call to agent2.
 * Every step is checked on the wire and in the server's timelines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRtp } from '../../src/media/rtp.js';
import { getHeader, type SipMessage } from '../../src/sip/message.js';
import {
  type IvrEdit,
  inDialogText,
  inviteText,
  isResponse,
  type Json,
  RawSip,
  RtpPeer,
  responseText,
  rtpPacket,
  serverRtpPort,
  startTestServer,
  waitFor,
} from '../harness.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;

/** The leg the server dialled to an agent, as that agent's phone knows it. */
interface AgentLeg {
  invite: SipMessage;
  callId: string;
  tag: string;
  /** The phone's next CSeq in this dialog. */
  cseq: number;
}

/** A visitor's queue call, answered and bridged to agent1. */
interface BridgedCall {
  callId: string;
  /** The server's 200 to the visitor's INVITE. */
  ok: SipMessage;
  agent: AgentLeg;
}

const REFER_TO_AGENT2 = 'Refer-To: <sip:agent2@helpline.test>';

const isRequest =
  (method: string, callId: string) =>
  (m: SipMessage): boolean =>
    m.kind === 'request' && m.method === method && getHeader(m, 'call-id') === callId;

/** A NOTIFY of the leg whose Subscription-State starts with `state` (copies of older ones may linger). */
const isNotify = (callId: string, state: 'active' | 'terminated') => (m: SipMessage) =>
  isRequest('NOTIFY', callId)(m) && (getHeader(m, 'subscription-state') ?? '').startsWith(state);

/** The server, the visitor's phone, and one socket playing the SBC with the agents behind it. */
class Scene {
  private branches = 0;
  /** Requests taken from the proxy's inbox (Call-ID and CSeq): their retransmissions are not new. */
  private readonly taken = new Set<string>();

  private constructor(
    readonly server: Server,
    readonly caller: RawSip,
    readonly proxy: RawSip,
  ) {}

  static async start(env: Record<string, string> = {}, edit?: IvrEdit): Promise<Scene> {
    const caller = await RawSip.open();
    const proxy = await RawSip.open();
    const server = await startTestServer({ PROXY: `127.0.0.1:${proxy.port}`, ...env }, edit);
    return new Scene(server, caller, proxy);
  }

  async stop(): Promise<void> {
    this.caller.close();
    this.proxy.close();
    await this.server.stop();
  }

  branch(): string {
    return `z9hG4bKxfer${++this.branches}`;
  }

  /** The first request from the server to the proxy that matches and was not taken before. */
  async take(match: (m: SipMessage) => boolean, timeoutMs = 5000): Promise<SipMessage> {
    const key = (m: SipMessage) => `${getHeader(m, 'call-id')}|${getHeader(m, 'cseq')}`;
    const request = await this.proxy.next(
      (m) => m.kind === 'request' && match(m) && !this.taken.has(key(m)),
      timeoutMs,
    );
    this.taken.add(key(request));
    return request;
  }

  /** The INVITE the server sends `agent` for the visitor called `name`. */
  agentInvite(agent: string, name: string): Promise<SipMessage> {
    return this.take(
      (m) =>
        m.kind === 'request' &&
        m.method === 'INVITE' &&
        m.uri === `sip:${agent}@helpline.test` &&
        (getHeader(m, 'from') ?? '').startsWith(`"${name}"`),
    );
  }

  /** Answers an agent INVITE as the agent's phone, and waits for the server's ACK. */
  async answerAgent(invite: SipMessage, tag: string, sdpPort = 9): Promise<AgentLeg> {
    const callId = getHeader(invite, 'call-id')!;
    this.proxy.send(
      responseText(invite, 200, 'OK', { toTag: tag, contactPort: this.proxy.port, sdpPort }),
      this.server.sipPort,
    );
    await this.proxy.next(isRequest('ACK', callId));
    return { invite, callId, tag, cseq: 1 };
  }

  /** The visitor (display name = Call-ID) calls the queue; agent1 answers; both are bridged. */
  async bridgedCall(
    callId: string,
    options: { headers?: string[]; mediaPort?: number } = {},
  ): Promise<BridgedCall> {
    const invite = inviteText({
      service: 'queue',
      callId,
      serverPort: this.server.sipPort,
      clientPort: this.caller.port,
      headers: options.headers ?? [],
      ...(options.mediaPort === undefined ? {} : { mediaPort: options.mediaPort }),
    }).replace('From: <sip:raw@', `From: "${callId}" <sip:raw@`);
    this.caller.send(invite, this.server.sipPort);
    const ok = await this.caller.next(isResponse(callId, 200));
    this.caller.send(
      inDialogText('ACK', ok, this.caller.port, 1, this.branch()),
      this.server.sipPort,
    );
    const agent = await this.answerAgent(await this.agentInvite('agent1', callId), 'a1');
    await this.server.api.waitForEntry(callId, (e) => e.type === 'bridge');
    return { callId, ok, agent };
  }

  /** A request from the agent's phone inside its leg's dialog. */
  fromAgent(method: string, leg: AgentLeg, headers: string[] = []): string {
    const h = (name: string) => getHeader(leg.invite, name)!;
    return [
      `${method} sip:media@127.0.0.1:${this.server.sipPort} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${this.proxy.port};branch=${this.branch()}`,
      `From: ${h('to')};tag=${leg.tag}`,
      `To: ${h('from')}`,
      `Call-ID: ${leg.callId}`,
      `CSeq: ${leg.cseq++} ${method}`,
      'Max-Forwards: 70',
      `Contact: <sip:agent@127.0.0.1:${this.proxy.port}>`,
      ...headers,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
  }

  /** The agent's phone sends REFER; resolves with the server's final response. */
  async refer(leg: AgentLeg, headers: string[] = [REFER_TO_AGENT2]): Promise<SipMessage> {
    const seq = leg.cseq;
    this.proxy.send(this.fromAgent('REFER', leg, headers), this.server.sipPort);
    return this.proxy.next(
      (m) =>
        m.kind === 'response' &&
        m.status >= 200 &&
        getHeader(m, 'call-id') === leg.callId &&
        getHeader(m, 'cseq') === `${seq} REFER`,
    );
  }

  /** The next NOTIFY of a leg in that state, answered 200 as the agent's phone does. */
  async notify(leg: AgentLeg, state: 'active' | 'terminated'): Promise<SipMessage> {
    const notify = await this.take(isNotify(leg.callId, state));
    this.proxy.send(responseText(notify, 200, 'OK'), this.server.sipPort);
    return notify;
  }

  /** The visitor hangs up. */
  async visitorBye(call: BridgedCall, cseq = 2): Promise<void> {
    this.caller.send(
      inDialogText('BYE', call.ok, this.caller.port, cseq, this.branch()),
      this.server.sipPort,
    );
    await this.caller.next(isResponse(call.callId, 200, 'BYE'));
  }

  /** The server's BYE on a leg behind the proxy, answered 200. */
  async byeFromServer(callId: string): Promise<SipMessage> {
    const bye = await this.take(isRequest('BYE', callId));
    this.proxy.send(responseText(bye, 200, 'OK'), this.server.sipPort);
    return bye;
  }

  timeline(callId: string): Promise<Json[]> {
    return this.server.api.call(callId).then((call: Json) => call.timeline);
  }
}

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
    expect(
      await refused([
        'Refer-To: <sip:agent2@helpline.test?Replaces=abc%3Bto-tag%3D1%3Bfrom-tag%3D2>',
      ]),
    ).toBe('501 Attended Transfer Not Implemented');
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
