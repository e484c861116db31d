/** Dialog state (RFC 3261 section 12) and in-dialog request construction. */
import { isIP } from 'node:net';
import { newBranch } from './builders.js';
import {
  getHeader,
  getHeaderValues,
  parseNameAddr,
  parseSipUri,
  type SipHeader,
  type SipRequest,
  type SipResponse,
  tagOf,
} from './message.js';
import type { Endpoint } from './transport.js';

export interface LocalContact {
  /** Address written into Via and Contact. */
  host: string;
  port: number;
  user: string;
}

export class Dialog {
  localSeq: number;
  remoteSeq: number;

  private constructor(
    readonly callId: string,
    /** Our From/To header value including our tag. */
    readonly localParty: string,
    /** Their From/To header value including their tag. */
    public remoteParty: string,
    public remoteTarget: string,
    public routeSet: string[],
    localSeq: number,
    remoteSeq: number,
  ) {
    this.localSeq = localSeq;
    this.remoteSeq = remoteSeq;
  }

  get localTag(): string {
    return tagOf(this.localParty) ?? '';
  }

  get remoteTag(): string {
    return tagOf(this.remoteParty) ?? '';
  }

  /** UAS side: the route set is the Record-Route list in the order received. */
  static asUas(invite: SipRequest, localTag: string): Dialog {
    const to = getHeader(invite, 'to') ?? '';
    const contact = parseNameAddr(getHeaderValues(invite, 'contact')[0] ?? '');
    return new Dialog(
      getHeader(invite, 'call-id') ?? '',
      `${to};tag=${localTag}`,
      getHeader(invite, 'from') ?? '',
      contact?.uri ?? invite.uri,
      getHeaderValues(invite, 'record-route'),
      Math.floor(Math.random() * 10_000) + 1,
      Number.parseInt(getHeader(invite, 'cseq') ?? '0', 10),
    );
  }

  /** UAC side: the route set is the Record-Route list of the 2xx, reversed. */
  static asUac(invite: SipRequest, response: SipResponse): Dialog {
    const contact = parseNameAddr(getHeaderValues(response, 'contact')[0] ?? '');
    return new Dialog(
      getHeader(invite, 'call-id') ?? '',
      getHeader(invite, 'from') ?? '',
      getHeader(response, 'to') ?? '',
      contact?.uri ?? invite.uri,
      getHeaderValues(response, 'record-route').reverse(),
      Number.parseInt(getHeader(invite, 'cseq') ?? '1', 10),
      0,
    );
  }

  /** A target refresh (re-INVITE, UPDATE) may move the remote target. */
  refreshTarget(message: SipRequest | SipResponse): void {
    const contact = parseNameAddr(getHeaderValues(message, 'contact')[0] ?? '');
    if (contact) this.remoteTarget = contact.uri;
  }

  createRequest(
    method: string,
    local: LocalContact,
    extraHeaders: SipHeader[] = [],
    body: Buffer = Buffer.alloc(0),
    seq?: number,
  ): SipRequest {
    const cseq = seq ?? (method === 'ACK' || method === 'CANCEL' ? this.localSeq : ++this.localSeq);
    const headers: SipHeader[] = [
      { name: 'via', value: `SIP/2.0/UDP ${local.host}:${local.port};branch=${newBranch()};rport` },
      { name: 'max-forwards', value: '70' },
      ...this.routeSet.map((route) => ({ name: 'route', value: route })),
      { name: 'from', value: this.localParty },
      { name: 'to', value: this.remoteParty },
      { name: 'call-id', value: this.callId },
      { name: 'cseq', value: `${cseq} ${method}` },
      { name: 'contact', value: `<sip:${local.user}@${local.host}:${local.port}>` },
      ...extraHeaders,
    ];
    return { kind: 'request', method, uri: this.remoteTarget, headers, body };
  }

  /** Where an in-dialog request goes: the first loose route, else the remote target. */
  nextHop(fallback: Endpoint): Endpoint {
    const firstRoute = this.routeSet[0];
    const uri = firstRoute ? (parseNameAddr(firstRoute)?.uri ?? '') : this.remoteTarget;
    return resolveUri(uri, fallback);
  }
}

/** Only IP literals are dialled directly; names go to the outbound proxy. */
export function resolveUri(uri: string, fallback: Endpoint): Endpoint {
  const parsed = parseSipUri(uri);
  if (!parsed) return fallback;
  const maddr = parsed.params.get('maddr');
  const host = maddr || parsed.host;
  if (isIP(host) !== 4) return fallback;
  const port = parsed.port ?? 5060;
  return port >= 1 && port <= 65535 ? { address: host, port } : fallback;
}
