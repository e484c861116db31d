/** UDP transport: one socket for all SIP traffic, parsing on the way in. */
import dgram from 'node:dgram';
import type { Logger } from '../log.js';
import { guard } from '../safe.js';
import {
  DEFAULT_LIMITS,
  parseSipMessage,
  type SipMessage,
  SipParseError,
  serializeSipMessage,
} from './message.js';

export interface Endpoint {
  address: string;
  port: number;
}

/** An allowed SIP peer: one address and port, or every port of an address. */
export interface TrustedSource {
  address: string;
  port?: number;
}

/** Why datagrams were dropped unanswered, for /stats and the logs. */
export interface DropCounters {
  untrusted: number;
  oversize: number;
  unparseable: number;
}

/** At most one log line per reason in this window, with the count since the last one. */
const DROP_LOG_INTERVAL_MS = 10_000;

export class UdpTransport {
  private readonly socket = dgram.createSocket('udp4');
  private closed = false;
  readonly dropped: DropCounters = { untrusted: 0, oversize: 0, unparseable: 0 };
  private readonly lastDropLog = new Map<keyof DropCounters, { at: number; count: number }>();
  onMessage: (message: SipMessage, source: Endpoint) => void = () => {};

  /**
   * `trusted` lists who may talk SIP to this server at all (the SBCs): the media server
   * sits behind Kamailio, which authenticates callers, so anything else that reaches the
   * SIP port is skipping that check and is dropped unanswered.
   */
  constructor(
    readonly host: string,
    readonly port: number,
    private readonly log: Logger,
    private readonly trusted: readonly TrustedSource[],
  ) {
    this.socket.on(
      'message',
      guard('SIP receive', (data: Buffer, rinfo: dgram.RemoteInfo) => this.receive(data, rinfo)),
    );
    this.socket.on('error', (error) =>
      this.log.error('SIP socket error', { error: error.message }),
    );
  }

  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.socket.once('error', reject);
      this.socket.bind(this.port, this.host, () => {
        this.socket.off('error', reject);
        resolve(this.socket.address().port);
      });
    });
  }

  /**
   * Never throws: a destination taken from a peer's Contact or Route may be unusable (a port
   * of 99999), and the request being sent (a BYE, say) must not stop the caller's cleanup.
   */
  send(message: SipMessage, to: Endpoint): void {
    if (this.closed) return;
    try {
      this.socket.send(serializeSipMessage(message), to.port, to.address);
    } catch (error) {
      this.log.warn('cannot send SIP', {
        to: `${to.address}:${to.port}`,
        error: (error as Error).message,
      });
    }
  }

  close(): void {
    this.closed = true;
    this.socket.close();
  }

  isTrusted(source: Endpoint): boolean {
    return this.trusted.some(
      (entry) =>
        entry.address === source.address &&
        (entry.port === undefined || entry.port === source.port),
    );
  }

  private receive(data: Buffer, rinfo: dgram.RemoteInfo): void {
    const from = `${rinfo.address}:${rinfo.port}`;
    if (!this.isTrusted(rinfo)) {
      this.drop('untrusted', 'dropped SIP from a source that is not an SBC', { from });
      return;
    }
    if (data.length > DEFAULT_LIMITS.messageBytes) {
      this.drop('oversize', 'dropped oversize SIP datagram', { from, bytes: data.length });
      return;
    }
    // Keep-alive pings (CRLF) carry no message.
    if (data.toString('latin1').trim() === '') return;
    let message: SipMessage;
    try {
      message = parseSipMessage(data);
    } catch (error) {
      if (!(error instanceof SipParseError)) throw error;
      this.drop('unparseable', 'dropped unparseable datagram', { from, error: error.message });
      return;
    }
    this.onMessage(message, { address: rinfo.address, port: rinfo.port });
  }

  /** Counts every drop; logs the first of a burst and then one summary per interval. */
  private drop(reason: keyof DropCounters, message: string, fields: Record<string, unknown>): void {
    this.dropped[reason]++;
    const now = Date.now();
    const last = this.lastDropLog.get(reason);
    if (last && now - last.at < DROP_LOG_INTERVAL_MS) {
      last.count++;
      return;
    }
    const suppressed = last?.count ?? 0;
    this.lastDropLog.set(reason, { at: now, count: 0 });
    this.log.warn(
      message,
      suppressed > 0 ? { ...fields, alsoDroppedSinceLastLog: suppressed } : fields,
    );
  }
}
