/**
 * RFC 3261 section 17 transactions over UDP (with the RFC 6026 "Accepted" state),
 * so retransmissions are absorbed here and the dialog layer sees each request once.
 */
import type { Logger } from '../log.js';
import { safeTimeout } from '../safe.js';
import { buildResponse, type ResponseOptions, topViaBranch } from './builders.js';
import { getHeader, parseCSeq, type SipRequest, type SipResponse } from './message.js';
import type { Endpoint, UdpTransport } from './transport.js';

export interface TimerConfig {
  t1: number;
  t2: number;
  /** How long a finished transaction stays to absorb retransmissions (64*T1 by default). */
  linger: number;
}

export class ServerTransaction {
  lastResponse: SipResponse | undefined;
  private retransmitTimer: NodeJS.Timeout | undefined;
  private lingerTimer: NodeJS.Timeout | undefined;
  /** Set by CANCEL so the dialog layer can answer 487 once. */
  cancelled = false;

  constructor(
    readonly key: string,
    readonly request: SipRequest,
    readonly source: Endpoint,
    private readonly layer: TransactionLayer,
  ) {}

  get isFinal(): boolean {
    return (this.lastResponse?.status ?? 0) >= 200;
  }

  respond(status: number, options: ResponseOptions = {}): SipResponse {
    const response = buildResponse(this.request, status, options);
    this.sendResponse(response);
    return response;
  }

  sendResponse(response: SipResponse): void {
    if (this.isFinal) return;
    this.lastResponse = response;
    this.layer.transport.send(response, this.source);
    if (response.status < 200) return;
    const timers = this.layer.timers;
    if (this.request.method === 'INVITE' && response.status >= 300) {
      // Timer G: resend the final response until the ACK arrives.
      let interval = timers.t1;
      const resend = (): void => {
        this.layer.transport.send(response, this.source);
        interval = Math.min(interval * 2, timers.t2);
        this.retransmitTimer = safeTimeout('SIP retransmission', resend, interval);
      };
      this.retransmitTimer = safeTimeout('SIP retransmission', resend, interval);
    }
    this.lingerTimer = safeTimeout('transaction linger', () => this.terminate(), timers.linger);
  }

  /** A retransmitted request: re-send whatever we answered last. */
  retransmission(): void {
    if (this.lastResponse) this.layer.transport.send(this.lastResponse, this.source);
  }

  acknowledged(): void {
    clearTimeout(this.retransmitTimer);
    this.retransmitTimer = undefined;
  }

  terminate(): void {
    clearTimeout(this.retransmitTimer);
    clearTimeout(this.lingerTimer);
    this.layer.forgetServer(this.key);
  }
}

export type ResponseHandler = (response: SipResponse) => void;

export class ClientTransaction {
  private retransmitTimer: NodeJS.Timeout | undefined;
  private timeoutTimer: NodeJS.Timeout | undefined;
  private lingerTimer: NodeJS.Timeout | undefined;
  finalStatus = 0;
  provisional = false;

  constructor(
    readonly branch: string,
    readonly request: SipRequest,
    readonly destination: Endpoint,
    private readonly layer: TransactionLayer,
    private readonly onResponse: ResponseHandler,
  ) {}

  start(): void {
    const { t1, t2 } = this.layer.timers;
    this.layer.transport.send(this.request, this.destination);
    const isInvite = this.request.method === 'INVITE';
    let interval = t1;
    const resend = (): void => {
      this.layer.transport.send(this.request, this.destination);
      interval = isInvite ? interval * 2 : Math.min(interval * 2, t2);
      this.retransmitTimer = safeTimeout(
        'SIP retransmission',
        resend,
        this.provisional && !isInvite ? t2 : interval,
      );
    };
    this.retransmitTimer = safeTimeout('SIP retransmission', resend, interval);
    this.timeoutTimer = safeTimeout(
      'transaction timeout',
      () => {
        this.stopRetransmitting();
        if (this.finalStatus === 0) this.deliverLocal(408, 'Request Timeout');
      },
      64 * t1,
    );
  }

  receive(response: SipResponse): void {
    if (response.status < 200) {
      if (this.finalStatus !== 0) return;
      this.provisional = true;
      if (this.request.method === 'INVITE') {
        // Timer B stops at the first provisional: ringing may last as long as the TU wants.
        this.stopRetransmitting();
        clearTimeout(this.timeoutTimer);
      }
      this.onResponse(response);
      return;
    }
    const first = this.finalStatus === 0;
    this.finalStatus = response.status;
    this.stopRetransmitting();
    clearTimeout(this.timeoutTimer);
    if (this.request.method === 'INVITE' && response.status >= 300) {
      // The ACK for a non-2xx final belongs to the transaction (RFC 3261 17.1.1.3).
      this.layer.transport.send(this.buildNon2xxAck(response), this.destination);
    }
    if (first) {
      this.lingerTimer = safeTimeout(
        'transaction linger',
        () => this.terminate(),
        this.layer.timers.linger,
      );
      this.onResponse(response);
    } else if (this.request.method === 'INVITE' && response.status < 300) {
      // 2xx retransmissions go to the dialog so it can repeat its ACK.
      this.onResponse(response);
    }
  }

  terminate(): void {
    this.stopRetransmitting();
    clearTimeout(this.timeoutTimer);
    clearTimeout(this.lingerTimer);
    this.layer.forgetClient(this.key);
  }

  get key(): string {
    return `${this.branch}|${this.request.method}`;
  }

  private stopRetransmitting(): void {
    clearTimeout(this.retransmitTimer);
    this.retransmitTimer = undefined;
  }

  private deliverLocal(status: number, reason: string): void {
    this.finalStatus = status;
    const response = buildResponse(this.request, status, { reason });
    this.terminate();
    this.onResponse(response);
  }

  private buildNon2xxAck(response: SipResponse): SipRequest {
    const keep = new Set(['call-id', 'from', 'route', 'max-forwards']);
    const headers = [this.request.headers.find((h) => h.name === 'via')!];
    for (const header of this.request.headers) if (keep.has(header.name)) headers.push(header);
    headers.push({ name: 'to', value: getHeader(response, 'to') ?? '' });
    const cseq = parseCSeq(getHeader(this.request, 'cseq'));
    headers.push({ name: 'cseq', value: `${cseq?.seq ?? 1} ACK` });
    return {
      kind: 'request',
      method: 'ACK',
      uri: this.request.uri,
      headers,
      body: Buffer.alloc(0),
    };
  }
}

export class TransactionLayer {
  private readonly servers = new Map<string, ServerTransaction>();
  private readonly clients = new Map<string, ClientTransaction>();

  constructor(
    readonly transport: UdpTransport,
    readonly timers: TimerConfig,
    private readonly log: Logger,
  ) {}

  /**
   * Returns the new server transaction for a request, or undefined when the request was
   * a retransmission or an ACK that this layer absorbed.
   */
  receiveRequest(request: SipRequest, source: Endpoint): ServerTransaction | 'ack' | undefined {
    const branch = topViaBranch(request) ?? '';
    if (request.method === 'ACK') {
      const invite = this.servers.get(`${branch}|INVITE`);
      if (invite?.lastResponse && invite.lastResponse.status >= 300) {
        invite.acknowledged();
        return undefined;
      }
      return 'ack';
    }
    const key = `${branch}|${request.method}`;
    const existing = this.servers.get(key);
    if (existing) {
      existing.retransmission();
      return undefined;
    }
    const transaction = new ServerTransaction(key, request, source, this);
    this.servers.set(key, transaction);
    return transaction;
  }

  findInviteFor(cancel: SipRequest): ServerTransaction | undefined {
    return this.servers.get(`${topViaBranch(cancel) ?? ''}|INVITE`);
  }

  receiveResponse(response: SipResponse): void {
    const cseq = parseCSeq(getHeader(response, 'cseq'));
    const key = `${topViaBranch(response) ?? ''}|${cseq?.method ?? ''}`;
    const transaction = this.clients.get(key);
    if (!transaction) {
      this.log.debug('response without transaction', { status: response.status, key });
      return;
    }
    transaction.receive(response);
  }

  sendRequest(
    request: SipRequest,
    destination: Endpoint,
    onResponse: ResponseHandler,
  ): ClientTransaction {
    const branch = topViaBranch(request);
    if (!branch) throw new Error('request to send has no Via branch');
    const transaction = new ClientTransaction(branch, request, destination, this, onResponse);
    this.clients.set(transaction.key, transaction);
    transaction.start();
    return transaction;
  }

  forgetServer(key: string): void {
    this.servers.delete(key);
  }

  forgetClient(key: string): void {
    this.clients.delete(key);
  }

  close(): void {
    for (const transaction of [...this.servers.values()]) transaction.terminate();
    for (const transaction of [...this.clients.values()]) transaction.terminate();
  }
}
