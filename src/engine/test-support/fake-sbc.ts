/**
 * An SBC in the test page, behind a stand-in for the browser's WebSocket: enough of
 * Kamailio's route[AUTH] (backend/kamailio/kamailio.cfg) to test what the engine puts on
 * the wire when its credentials change. Out-of-dialog requests are challenged (401 for
 * REGISTER, 407 otherwise); credentials the test declared stale are challenged again (as
 * autheph_www/autheph_proxy do with expired ones); a From (or REGISTER To) whose user is
 * not the one in the credentials gets 403 (autheph_check_from / autheph_check_to).
 * In-dialog requests are answered without a challenge, unless `challengeInDialog` is set
 * (Kamailio challenges them when the endpoint's address changed after a reconnect).
 * INVITEs are answered with a real SDP answer from an RTCPeerConnection, so JsSIP and the
 * engine see a normal call. Digest responses are not verified: the user name is the point.
 */
import type { PhoneConfig } from '../types';

export interface SipMessage {
  method: string;
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
  return { method: startLine.split(' ')[0] ?? '', headers, body, raw };
}

function token(): string {
  return Math.random().toString(36).slice(2, 10);
}

export class FakeSbc {
  /** Every request the SBC received (the keepalive included), in order. */
  readonly received: SipMessage[] = [];
  /** Digest user names refused as if expired. */
  readonly stale = new Set<string>();
  /** Challenge in-dialog requests too (and check them like out-of-dialog ones). */
  challengeInDialog = false;
  /** When set, every INVITE with credentials is refused with this status. */
  refuseAllInvites: 403 | 407 | undefined;
  private readonly sockets: FakeWebSocketLike[] = [];
  private readonly answerers = new Map<string, RTCPeerConnection>();
  private readonly toTags = new Map<string, string>();

  /** Requests of `method`, without the keepalive. */
  requests(method: string): SipMessage[] {
    return this.received.filter(
      (m) => m.method === method && !header(m, 'call-id').startsWith('keepalive-'),
    );
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

  /** The server drops every connection (as when it restarts). */
  dropConnections(): void {
    for (const socket of this.sockets) socket.drop();
  }

  /**
   * The far end hangs up the call `callId` answered: a BYE to the phone (its Contact), with
   * `extra` header lines (e.g. a Reason).
   */
  hangUp(callId: string, extra: string[] = []): void {
    const invite = this.requests('INVITE').find(
      (m) => header(m, 'call-id') === callId && !/;\s*tag=/.test(header(m, 'to')),
    );
    if (!invite) throw new Error(`no INVITE ${callId}`);
    const target = /<([^>]+)>/.exec(header(invite, 'contact'))?.[1] ?? '';
    const bye = [
      `BYE ${target} SIP/2.0`,
      `Via: SIP/2.0/WSS sbc.test;branch=z9hG4bK${token()}`,
      'Max-Forwards: 70',
      `From: ${header(invite, 'to')};tag=${this.toTags.get(callId)}`,
      `To: ${header(invite, 'from')}`,
      `Call-ID: ${callId}`,
      'CSeq: 1 BYE',
      ...extra,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    for (const socket of this.sockets) socket.deliver(bye);
  }

  /** Close the answering peer connections. */
  close(): void {
    for (const pc of this.answerers.values()) pc.close();
    this.answerers.clear();
  }

  private async receive(socket: FakeWebSocketLike, raw: string): Promise<void> {
    if (raw.startsWith('SIP/2.0')) return; // answers of the phone (to nothing we send)
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
      if (this.challengeInDialog && !this.authorized(request, reply)) return;
      if (method === 'INVITE') reply(200, 'OK', this.contact(), await this.answer(request));
      else reply(200, 'OK');
      return;
    }
    if (method === 'CANCEL') {
      reply(200, 'OK');
      return;
    }
    if (!this.authorized(request, reply)) return;
    const user = /^\d+:(.+)$/.exec(digestUser(request) ?? '')?.[1];
    if (method === 'REGISTER') {
      if (uriUser(header(request, 'to')) !== user) {
        reply(403, 'Forbidden To Identity');
        return;
      }
      reply(200, 'OK', [`Contact: ${header(request, 'contact')}`]);
      return;
    }
    if (method !== 'INVITE') {
      reply(405, 'Method Not Allowed');
      return;
    }
    if (this.refuseAllInvites === 407) {
      reply(407, 'Proxy Authentication Required', [
        `Proxy-Authenticate: Digest realm="helpline.test", nonce="${token()}"`,
      ]);
      return;
    }
    if (this.refuseAllInvites === 403) {
      reply(403, 'Forbidden');
      return;
    }
    reply(200, 'OK', this.contact(), await this.answer(request));
  }

  /** autheph_proxy / autheph_www, then autheph_check_from; false once it replied. */
  private authorized(
    request: SipMessage,
    reply: (status: number, reason: string, extra?: string[]) => void,
  ): boolean {
    const username = digestUser(request);
    if (username === undefined || this.stale.has(username)) {
      const challenge = `Digest realm="helpline.test", nonce="${token()}"`;
      if (request.method === 'REGISTER') {
        reply(401, 'Unauthorized', [`WWW-Authenticate: ${challenge}`]);
      } else {
        reply(407, 'Proxy Authentication Required', [`Proxy-Authenticate: ${challenge}`]);
      }
      return false;
    }
    const user = /^\d+:(.+)$/.exec(username)?.[1] ?? username;
    if (uriUser(header(request, 'from')) !== user) {
      reply(403, 'Forbidden From Identity');
      return false;
    }
    return true;
  }

  private contact(): string[] {
    return ['Contact: <sip:media@127.0.0.1:5060>', 'Content-Type: application/sdp'];
  }

  /** An SDP answer from a peer connection kept per call, so re-INVITEs get answers too. */
  private async answer(request: SipMessage): Promise<string> {
    const callId = header(request, 'call-id');
    let pc = this.answerers.get(callId);
    if (!pc) {
      pc = new RTCPeerConnection();
      this.answerers.set(callId, pc);
    }
    await pc.setRemoteDescription({ type: 'offer', sdp: request.body });
    for (const transceiver of pc.getTransceivers()) {
      if (transceiver.direction === 'recvonly') transceiver.direction = 'sendrecv';
    }
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    return answer.sdp ?? '';
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
      `Content-Length: ${new TextEncoder().encode(body).length}`,
      '',
      body,
    ];
    return lines.join('\r\n');
  }
}

interface FakeWebSocketLike {
  deliver(text: string): void;
  drop(): void;
}
