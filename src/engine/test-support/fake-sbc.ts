/**
 * An SBC in the test page, behind a stand-in for the browser's WebSocket: enough of
 * Kamailio's route[AUTH] (backend/kamailio/kamailio.cfg) to test what the engine puts on
 * the wire when its credentials change. Out-of-dialog requests are challenged (401 for
 * REGISTER, 407 otherwise); credentials the test declared stale are challenged again (as
 * autheph_www/autheph_proxy do with expired ones); a From (or REGISTER To) whose user is
 * not the one in the credentials gets 403 (autheph_check_from / autheph_check_to).
 * In-dialog requests are answered without a challenge, unless `challengeInDialog` is set
 * (Kamailio challenges them when the endpoint's address changed after a reconnect). With
 * `bindConnections`, a connection whose request answered a challenge is bound to those
 * credentials, and its later requests from the same user are not challenged (Kamailio's
 * CONNECTION_USER and BIND_CONNECTION). An authenticated OPTIONS to the sender's own address
 * (the connection's proof, connection-proof.ts) is answered 200, as Kamailio answers it.
 * INVITEs are answered with a real SDP answer from an RTCPeerConnection that sends audio
 * (the fake microphone, like the media server's prompts), so JsSIP and the engine see a
 * normal call with packets flowing.
 *
 * It also plays the far end of a call: it calls the phone ({@link FakeSbc.ring}), holds
 * and resumes it with its own re-INVITE ({@link FakeSbc.reoffer}), falls silent, hangs up,
 * refuses re-INVITEs, REGISTERs or connections, and answers without RFC 4733 so the phone
 * must send DTMF as SIP INFO. This is the engine's in-memory SIP transport fake: it sits
 * under the real FailoverSocket (socket.ts), as a stand-in for the browser's WebSocket, so
 * the engine's own socket, JsSIP's transactions and WebRTC all run as in the browser.
 * Digest responses are not verified: the user name is the point.
 */
import type { PhoneConfig } from '../types';

export interface SipMessage {
  /** The request's method; `SIP/2.0` for a response. */
  method: string;
  /** A response's status code; 0 for a request. */
  status: number;
  /** Header values by lower-case name. */
  headers: Map<string, string[]>;
  body: string;
  raw: string;
}

/** The first value of a header. */
export function header(message: SipMessage, name: string): string {
  return message.headers.get(name.toLowerCase())?.[0] ?? '';
}

/** The user of the first SIP URI in a header value (`"x" <sip:user@host>;tag=…`). */
export function uriUser(value: string): string {
  return /sips?:([^@;>]+)@/.exec(value)?.[1] ?? '';
}

/**
 * The settings every engine test against the fake SBC shares: its one server and domain,
 * no registration, keep-alive or sounds, and a short ICE gathering bound.
 */
export const FAKE_SBC_PHONE = {
  servers: ['wss://sbc.test/ws'],
  domain: 'helpline.test',
  register: false,
  keepaliveIntervalMs: 0,
  iceGatheringTimeoutMs: 100,
  ringbackUrl: null,
  ringtoneUrl: null,
  holdMusicUrl: null,
} satisfies Partial<PhoneConfig>;

/** The digest user name of a request (Authorization or Proxy-Authorization), if any. */
export function digestUser(message: SipMessage): string | undefined {
  const value = header(message, 'proxy-authorization') || header(message, 'authorization');
  return /username="([^"]*)"/.exec(value)?.[1];
}

function parse(raw: string): SipMessage {
  const split = raw.indexOf('\r\n\r\n');
  const head = split === -1 ? raw : raw.slice(0, split);
  const body = split === -1 ? '' : raw.slice(split + 4);
  const [startLine = '', ...lines] = head.split('\r\n');
  const headers = new Map<string, string[]>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  const [method = '', status = ''] = startLine.split(' ');
  return { method, status: method === 'SIP/2.0' ? Number(status) : 0, headers, body, raw };
}

/** The Request-URI of a request (its start line's second field). */
function requestUri(message: SipMessage): string {
  return message.raw.slice(0, message.raw.indexOf('\r\n')).split(' ')[1] ?? '';
}

function token(): string {
  return Math.random().toString(36).slice(2, 10);
}

/** The URI inside a header value's angle brackets (`"x" <sip:a@b>;tag=1` → `sip:a@b`). */
function uriOf(value: string): string {
  return /<([^>]+)>/.exec(value)?.[1] ?? value;
}

function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}

/**
 * The SDP without RFC 4733 (`telephone-event`): a far end that cannot take DTMF in the
 * audio, so a browser's RTCDTMFSender reports `canInsertDTMF` false.
 */
export function withoutTelephoneEvent(sdp: string): string {
  const types = [...sdp.matchAll(/^a=rtpmap:(\d+) telephone-event\//gm)].map((m) => m[1]!);
  const ofType = (line: string) =>
    types.some((type) => new RegExp(`^a=(rtpmap|fmtp|rtcp-fb):${type}\\b`).test(line));
  return sdp
    .split('\r\n')
    .filter((line) => !ofType(line))
    .map((line) =>
      line.startsWith('m=audio ')
        ? line
            .split(' ')
            .filter((field, index) => index < 3 || !types.includes(field))
            .join(' ')
        : line,
    )
    .join('\r\n');
}

/** A dialog the SBC is in, seen from its side. */
interface Dialog {
  /** Our From (as caller) or To (as callee) header, with our tag. */
  local: string;
  /** The phone's header, with its tag. */
  remote: string;
  /** Where requests to the phone go: its Contact. */
  target: string;
  /** CSeq of our last request in the dialog. */
  cseq: number;
}

export class FakeSbc {
  /** Every request the SBC received (the keepalive included), in order. */
  readonly received: SipMessage[] = [];
  /** Digest user names refused as if expired. */
  readonly stale = new Set<string>();
  /** Challenge in-dialog requests too (and check them like out-of-dialog ones). */
  challengeInDialog = false;
  /** Bind a connection to the credentials that answered a challenge on it (see above). */
  bindConnections = false;
  /** When set, every INVITE with credentials is refused with this status… */
  refuseAllInvites: 403 | 407 | undefined;
  /** …this many times at most: then they are answered again. */
  invitesToRefuse = Number.POSITIVE_INFINITY;
  /** When set, every re-INVITE of the phone (hold, resume, ICE restart) is refused so. */
  refuseReinvites: number | undefined;
  /** When set, every REGISTER with valid credentials is refused with this status. */
  refuseRegister: number | undefined;
  /** While set, new connections fail as if the server were down. */
  refuseConnections = false;
  /** Answer without RFC 4733 (`telephone-event`): DTMF can only go as SIP INFO. */
  noTelephoneEvent = false;
  /**
   * How a REFER (blind transfer) goes: refused with `status` other than 202, or accepted
   * (202) and then NOTIFYs with 100 Trying and the status line `outcome` (e.g.
   * `'SIP/2.0 200 OK'`, `'SIP/2.0 486 Busy Here'`), as the media server does.
   */
  refer: { status: number; outcome?: string } = { status: 202, outcome: 'SIP/2.0 200 OK' };
  /** When set, every in-dialog INFO from the phone is answered with this status. */
  refuseInfo: number | undefined;
  /** While set, INVITEs only ring (180, never answered) until the phone CANCELs them (487). */
  ringOnly = false;
  /** The INVITEs ringing (`ringOnly`), by Call-ID, with the reply on their connection. */
  private readonly ringing = new Map<string, (status: number, reason: string) => void>();
  private readonly sockets: FakeWebSocketLike[] = [];
  /** The digest user name each bound connection proved (`bindConnections`). */
  private readonly bindings = new Map<FakeWebSocketLike, string>();
  /** The SBC's side of the media, per Call-ID. */
  private readonly peers = new Map<string, RTCPeerConnection>();
  private readonly toTags = new Map<string, string>();
  private readonly dialogs = new Map<string, Dialog>();
  /** Our requests waiting for their final answer, by Via branch. */
  private readonly transactions = new Map<string, (response: SipMessage) => void>();
  private readonly streams: MediaStream[] = [];

  /** Requests of `method`, without the keepalive. */
  requests(method: string): SipMessage[] {
    return this.received.filter(
      (m) => m.method === method && !header(m, 'call-id').startsWith('keepalive-'),
    );
  }

  /** The Call-ID of the last call the phone placed. */
  lastCallId(): string {
    const invite = this.requests('INVITE').at(-1);
    if (!invite) throw new Error('the phone placed no call');
    return header(invite, 'call-id');
  }

  /** A WebSocket class to install with `vi.stubGlobal('WebSocket', sbc.webSocketClass())`. */
  webSocketClass(): unknown {
    const sbc = this;
    return class FakeWebSocket implements FakeWebSocketLike {
      static readonly CONNECTING = 0;
      static readonly OPEN = 1;
      static readonly CLOSING = 2;
      static readonly CLOSED = 3;
      readyState = 0;
      binaryType = 'blob';
      onopen: ((event: Event) => void) | null = null;
      onclose: ((event: { code: number; reason: string }) => void) | null = null;
      onmessage: ((event: { data: string }) => void) | null = null;
      constructor(readonly url: string) {
        sbc.sockets.push(this);
        setTimeout(() => {
          if (sbc.refuseConnections) {
            this.drop();
            return;
          }
          this.readyState = 1;
          this.onopen?.(new Event('open'));
        }, 0);
      }
      send(data: string): void {
        void sbc.receive(this, data);
      }
      close(): void {
        if (this.readyState === 3) return;
        this.readyState = 3;
        setTimeout(() => this.onclose?.({ code: 1000, reason: '' }), 0);
      }
      deliver(text: string): void {
        if (this.readyState === 1) this.onmessage?.({ data: text });
      }
      drop(): void {
        if (this.readyState === 3) return;
        this.readyState = 3;
        this.onclose?.({ code: 1006, reason: 'dropped' });
      }
    };
  }

  /** How many connections were opened to it. */
  get connectionCount(): number {
    return this.sockets.length;
  }

  /** Each connection's `readyState`, oldest first (1: open, 3: closed). */
  connectionStates(): number[] {
    return this.sockets.map((socket) => socket.readyState);
  }

  /** The server drops every connection (as when it restarts). */
  dropConnections(): void {
    for (const socket of this.sockets) socket.drop();
  }

  /**
   * The far end hangs up the call `callId`: a BYE to the phone (its Contact), with
   * `extra` header lines (e.g. a Reason).
   */
  hangUp(callId: string, extra: string[] = []): void {
    void this.inDialog(callId, 'BYE', extra);
  }

  /**
   * The far end calls `user`: an INVITE with a real SDP offer and `extra` header lines.
   * Resolves with the Call-ID at once and the final status (200 once answered: the SBC
   * then ACKs) when it comes.
   */
  async ring(
    user: string,
    extra: string[] = [],
  ): Promise<{ callId: string; final: Promise<number> }> {
    const callId = `incoming-${token()}`;
    const pc = new RTCPeerConnection();
    this.peers.set(callId, pc);
    pc.addTransceiver(await this.audioTrack(), { direction: 'sendrecv' });
    await pc.setLocalDescription(await pc.createOffer());
    const from = `<sip:caller@helpline.test>;tag=${token()}`;
    const invite = this.request(
      'INVITE',
      `sip:${user}@helpline.test`,
      [
        `From: ${from}`,
        `To: <sip:${user}@helpline.test>`,
        `Call-ID: ${callId}`,
        'CSeq: 1 INVITE',
        ...this.contact(),
        ...extra,
      ],
      pc.localDescription?.sdp ?? '',
    );
    const final = invite.then(async (response) => {
      if (response.status !== 200) return response.status;
      this.dialogs.set(callId, {
        local: from,
        remote: header(response, 'to'),
        target: uriOf(header(response, 'contact')),
        cseq: 1,
      });
      this.ack(callId, 1);
      await pc.setRemoteDescription({ type: 'answer', sdp: response.body });
      return response.status;
    });
    return { callId, final };
  }

  /** The far end sends an INFO in the call `callId`; resolves with the phone's status. */
  async info(callId: string, contentType: string, body: string): Promise<number> {
    const response = await this.inDialog(callId, 'INFO', [`Content-Type: ${contentType}`], body);
    return response.status;
  }

  /**
   * A Replaces header naming the dialog of `callId` (RFC 3891 §6.1), as the media server
   * sends it to complete an attended transfer to this phone.
   */
  replaces(callId: string): string {
    const dialog = this.dialogs.get(callId);
    if (!dialog) throw new Error(`no call ${callId}`);
    const tag = (value: string) => /;\s*tag=([^;\s]+)/.exec(value)?.[1] ?? '';
    // Our side's tag is the From tag when we placed the call (ring), else the To tag.
    const ours = dialog.local.startsWith('<sip:caller@') ? 'from' : 'to';
    const [from, to] =
      ours === 'from' ? [dialog.local, dialog.remote] : [dialog.remote, dialog.local];
    return `Replaces: ${callId};to-tag=${tag(to)};from-tag=${tag(from)}`;
  }

  /**
   * The far end sends a re-INVITE whose audio is `direction` (`sendonly` or `inactive`
   * holds the phone, `sendrecv` resumes); resolves with the phone's final status.
   */
  async reoffer(callId: string, direction: RTCRtpTransceiverDirection): Promise<number> {
    const pc = this.peers.get(callId);
    if (!pc) throw new Error(`no call ${callId}`);
    for (const transceiver of pc.getTransceivers()) transceiver.direction = direction;
    await pc.setLocalDescription(await pc.createOffer());
    const response = await this.inDialog(
      callId,
      'INVITE',
      this.contact(),
      pc.localDescription?.sdp ?? '',
    );
    if (response.status === 200) {
      this.ack(callId, this.dialogs.get(callId)?.cseq ?? 0);
      await pc.setRemoteDescription({ type: 'answer', sdp: response.body });
    } else {
      await pc.setLocalDescription({ type: 'rollback' });
    }
    return response.status;
  }

  /** The far end stops sending audio on `callId` (its transceiver stays as it is). */
  async fallSilent(callId: string): Promise<void> {
    for (const transceiver of this.peers.get(callId)?.getTransceivers() ?? []) {
      await transceiver.sender.replaceTrack(null);
    }
  }

  /** The NOTIFYs of an accepted REFER: 100 Trying, then the outcome (RFC 3515 §2.4.5). */
  private async notifyTransfer(callId: string): Promise<void> {
    const notify = (state: string, statusLine: string) =>
      this.inDialog(
        callId,
        'NOTIFY',
        [
          'Event: refer',
          `Subscription-State: ${state}`,
          'Content-Type: message/sipfrag;version=2.0',
        ],
        `${statusLine}\r\n`,
      );
    await notify('active;expires=60', 'SIP/2.0 100 Trying');
    if (this.refer.outcome) await notify('terminated;reason=noresource', this.refer.outcome);
  }

  /** Close the far end's peer connections and its microphone streams. */
  close(): void {
    for (const pc of this.peers.values()) pc.close();
    this.peers.clear();
    for (const stream of this.streams.splice(0)) {
      for (const track of stream.getTracks()) track.stop();
    }
  }

  private async receive(socket: FakeWebSocketLike, raw: string): Promise<void> {
    if (raw.startsWith('SIP/2.0')) {
      this.answered(parse(raw));
      return;
    }
    const request = parse(raw);
    this.received.push(request);
    const reply = (status: number, reason: string, extra: string[] = [], body = '') =>
      socket.deliver(this.response(request, status, reason, extra, body));
    const { method } = request;
    if (method === 'ACK') return;
    if (method === 'OPTIONS' && header(request, 'call-id').startsWith('keepalive-')) {
      reply(200, 'Keepalive', ['X-Region: test']);
      return;
    }
    if (/;\s*tag=/.test(header(request, 'to'))) {
      if (this.challengeInDialog && this.authorized(socket, request, reply) === undefined) return;
      if (method === 'INVITE' && this.refuseReinvites !== undefined) {
        reply(this.refuseReinvites, 'Refused');
      } else if (method === 'INVITE') {
        reply(200, 'OK', this.contact(), await this.answer(request));
      } else if (method === 'INFO' && this.refuseInfo !== undefined) {
        reply(this.refuseInfo, 'Refused');
      } else if (method === 'REFER') {
        reply(this.refer.status, this.refer.status === 202 ? 'Accepted' : 'Refused');
        if (this.refer.status === 202) void this.notifyTransfer(header(request, 'call-id'));
      } else {
        reply(200, 'OK');
      }
      return;
    }
    if (method === 'CANCEL') {
      reply(200, 'OK');
      const callId = header(request, 'call-id');
      this.ringing.get(callId)?.(487, 'Request Terminated');
      this.ringing.delete(callId);
      return;
    }
    const username = this.authorized(socket, request, reply);
    if (username === undefined) return;
    const user = /^\d+:(.+)$/.exec(username)?.[1] ?? username;
    if (method === 'REGISTER') {
      if (uriUser(header(request, 'to')) !== user) {
        reply(403, 'Forbidden To Identity');
      } else if (this.refuseRegister !== undefined) {
        reply(this.refuseRegister, 'Refused');
      } else {
        reply(200, 'OK', [`Contact: ${header(request, 'contact')}`]);
      }
      return;
    }
    if (method === 'OPTIONS' && uriUser(requestUri(request)) === user) {
      reply(200, 'Credentials Accepted');
      return;
    }
    if (method !== 'INVITE') {
      reply(405, 'Method Not Allowed');
      return;
    }
    const refusal = this.invitesToRefuse > 0 ? this.refuseAllInvites : undefined;
    if (refusal !== undefined) this.invitesToRefuse -= 1;
    if (refusal === 407) {
      reply(407, 'Proxy Authentication Required', [
        `Proxy-Authenticate: Digest realm="helpline.test", nonce="${token()}"`,
      ]);
      return;
    }
    if (refusal === 403) {
      reply(403, 'Forbidden');
      return;
    }
    if (this.ringOnly) {
      reply(180, 'Ringing');
      this.ringing.set(header(request, 'call-id'), (status, reason) => reply(status, reason));
      return;
    }
    const body = await this.answer(request);
    reply(200, 'OK', this.contact(), body);
    const callId = header(request, 'call-id');
    this.dialogs.set(callId, {
      local: `${header(request, 'to')};tag=${this.toTags.get(callId)}`,
      remote: header(request, 'from'),
      target: uriOf(header(request, 'contact')),
      cseq: 0,
    });
  }

  /** An answer of the phone to one of our requests. */
  private answered(response: SipMessage): void {
    const branch = /branch=([^;,\s]+)/.exec(header(response, 'via'))?.[1] ?? '';
    const done = this.transactions.get(branch);
    if (!done || response.status < 200) return;
    this.transactions.delete(branch);
    done(response);
  }

  /**
   * The connection's binding (`bindConnections`), or autheph_proxy / autheph_www, then
   * autheph_check_from: the digest user name the request is taken as, or undefined once it
   * replied (a challenge or a refusal).
   */
  private authorized(
    socket: FakeWebSocketLike,
    request: SipMessage,
    reply: (status: number, reason: string, extra?: string[]) => void,
  ): string | undefined {
    const bound = this.bindings.get(socket);
    if (
      bound !== undefined &&
      request.method !== 'REGISTER' &&
      !this.stale.has(bound) &&
      uriUser(header(request, 'from')) === (/^\d+:(.+)$/.exec(bound)?.[1] ?? bound)
    ) {
      return bound;
    }
    const username = digestUser(request);
    if (username === undefined || this.stale.has(username)) {
      const challenge = `Digest realm="helpline.test", nonce="${token()}"`;
      if (request.method === 'REGISTER') {
        reply(401, 'Unauthorized', [`WWW-Authenticate: ${challenge}`]);
      } else {
        reply(407, 'Proxy Authentication Required', [`Proxy-Authenticate: ${challenge}`]);
      }
      return undefined;
    }
    const user = /^\d+:(.+)$/.exec(username)?.[1] ?? username;
    if (uriUser(header(request, 'from')) !== user) {
      reply(403, 'Forbidden From Identity');
      return undefined;
    }
    if (this.bindConnections) this.bindings.set(socket, username);
    return username;
  }

  private contact(): string[] {
    return ['Contact: <sip:media@127.0.0.1:5060>', 'Content-Type: application/sdp'];
  }

  /** The fake microphone, as the far end's voice. */
  private async audioTrack(): Promise<MediaStreamTrack> {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    this.streams.push(stream);
    const [track] = stream.getAudioTracks();
    if (!track) throw new Error('the fake microphone has no audio track');
    return track;
  }

  /**
   * An SDP answer from a peer connection kept per call, so re-INVITEs get answers too;
   * it sends the fake microphone, so the phone receives packets.
   */
  private async answer(request: SipMessage): Promise<string> {
    const callId = header(request, 'call-id');
    let pc = this.peers.get(callId);
    if (!pc) {
      pc = new RTCPeerConnection();
      this.peers.set(callId, pc);
    }
    await pc.setRemoteDescription({ type: 'offer', sdp: request.body });
    for (const transceiver of pc.getTransceivers()) {
      if (transceiver.direction === 'recvonly') transceiver.direction = 'sendrecv';
      if (!transceiver.sender.track) await transceiver.sender.replaceTrack(await this.audioTrack());
    }
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    const sdp = answer.sdp ?? '';
    return this.noTelephoneEvent ? withoutTelephoneEvent(sdp) : sdp;
  }

  /** Send a request to the phone; resolves with its final answer. */
  private request(method: string, uri: string, headers: string[], body = ''): Promise<SipMessage> {
    const branch = `z9hG4bK${token()}`;
    return new Promise((resolve) => {
      this.transactions.set(branch, resolve);
      this.deliver(method, uri, branch, headers, body);
    });
  }

  /** Send an in-dialog request of the call `callId` to the phone. */
  private inDialog(
    callId: string,
    method: string,
    extra: string[] = [],
    body = '',
  ): Promise<SipMessage> {
    const dialog = this.dialogs.get(callId);
    if (!dialog) throw new Error(`no dialog ${callId}`);
    dialog.cseq += 1;
    return this.request(
      method,
      dialog.target,
      [
        `From: ${dialog.local}`,
        `To: ${dialog.remote}`,
        `Call-ID: ${callId}`,
        `CSeq: ${dialog.cseq} ${method}`,
        ...extra,
      ],
      body,
    );
  }

  /** The ACK of our INVITE number `cseq` (RFC 3261 §13.2.2.4: a new transaction). */
  private ack(callId: string, cseq: number): void {
    const dialog = this.dialogs.get(callId);
    if (!dialog) return;
    this.deliver('ACK', dialog.target, `z9hG4bK${token()}`, [
      `From: ${dialog.local}`,
      `To: ${dialog.remote}`,
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} ACK`,
    ]);
  }

  private deliver(method: string, uri: string, branch: string, headers: string[], body = ''): void {
    const text = [
      `${method} ${uri} SIP/2.0`,
      `Via: SIP/2.0/WSS sbc.test;branch=${branch}`,
      'Max-Forwards: 70',
      ...headers,
      `Content-Length: ${byteLength(body)}`,
      '',
      body,
    ].join('\r\n');
    for (const socket of this.sockets) socket.deliver(text);
  }

  private response(
    request: SipMessage,
    status: number,
    reason: string,
    extra: string[],
    body: string,
  ): string {
    const callId = header(request, 'call-id');
    let to = header(request, 'to');
    if (status > 100 && !/;\s*tag=/.test(to)) {
      const tag = this.toTags.get(callId) ?? token();
      this.toTags.set(callId, tag);
      to = `${to};tag=${tag}`;
    }
    const lines = [
      `SIP/2.0 ${status} ${reason}`,
      ...(request.headers.get('via') ?? []).map((via) => `Via: ${via}`),
      `From: ${header(request, 'from')}`,
      `To: ${to}`,
      `Call-ID: ${callId}`,
      `CSeq: ${header(request, 'cseq')}`,
      ...extra,
      `Content-Length: ${byteLength(body)}`,
      '',
      body,
    ];
    return lines.join('\r\n');
  }
}

interface FakeWebSocketLike {
  readonly readyState: number;
  deliver(text: string): void;
  drop(): void;
}
