/**
 * A queue call with the SBC and the agents' phones played by raw UDP (transfer.test.ts,
 * conference.test.ts): a visitor calls the queue, agent1 answers, and the agents' phones
 * send requests in their legs' dialogs.
 */
import { getHeader, type SipMessage } from '../../src/sip/message.js';
import {
  type IvrEdit,
  inDialogText,
  inviteText,
  isResponse,
  type Json,
  RawSip,
  responseText,
  startTestServer,
} from '../harness.js';

export type Server = Awaited<ReturnType<typeof startTestServer>>;

/** The leg the server dialled to an agent, as that agent's phone knows it. */
export interface AgentLeg {
  invite: SipMessage;
  callId: string;
  tag: string;
  /** The phone's next CSeq in this dialog. */
  cseq: number;
}

/** A visitor's queue call, answered and bridged to agent1. */
export interface BridgedCall {
  callId: string;
  /** The server's 200 to the visitor's INVITE. */
  ok: SipMessage;
  agent: AgentLeg;
}

export const REFER_TO_AGENT2 = 'Refer-To: <sip:agent2@helpline.test>';

export const isRequest =
  (method: string, callId: string) =>
  (m: SipMessage): boolean =>
    m.kind === 'request' && m.method === method && getHeader(m, 'call-id') === callId;

/** A NOTIFY of the leg whose Subscription-State starts with `state` (copies of older ones may linger). */
export const isNotify = (callId: string, state: 'active' | 'terminated') => (m: SipMessage) =>
  isRequest('NOTIFY', callId)(m) && (getHeader(m, 'subscription-state') ?? '').startsWith(state);

/** The server, the visitor's phone, and one socket playing the SBC with the agents behind it. */
export class Scene {
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
