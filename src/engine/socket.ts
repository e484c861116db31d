/**
 * The WebSocket under JsSIP, with our own failover and backoff.
 *
 * JsSIP's Transport reconnects by itself (random whole seconds, random server among
 * equal weights, attempts reset on every connect). We want the servers tried in the
 * configured order, a connect timeout, and a backoff that only resets after a stable
 * connection. So JsSIP gets this single socket object, configured to call `connect()`
 * again 1 s after a drop (the smallest value it accepts). That is too slow for a region
 * failover, so after a drop this socket reconnects by itself once our backoff delay is
 * over (JsSIP's `onconnect` clears its own pending timer); JsSIP's later `connect()` finds
 * the socket open or already waiting. JsSIP keeps its transaction and re-REGISTER logic,
 * the timing is ours.
 *
 * It also detects a dead connection that TCP does not report (see keepalive.ts), with a
 * SIP OPTIONS that Kamailio answers statelessly; the answer never reaches JsSIP (it has
 * no transaction for it) and tells us the region that answered (`X-Region`).
 */
import { Backoff } from './backoff';
import { takeEarlySocket } from './early-socket';
import { Keepalive } from './keepalive';
import { defaultLogger, type Logger } from './log';
import { redactUrl } from './redact';

/** A WebSocket that neither opens nor fails within this time is abandoned. */
export const CONNECT_TIMEOUT_MS = 5000;

/** Keepalive defaults: ping after 10 s of silence, dead after 3 s without an answer. */
export const KEEPALIVE_INTERVAL_MS = 10_000;
export const KEEPALIVE_TIMEOUT_MS = 3000;

export interface SocketOptions {
  /** SIP domain: the keepalive OPTIONS goes to `sip:<domain>`. */
  domain: string;
  backoff?: Backoff;
  connectTimeoutMs?: number;
  /** 0 turns the keepalive off. */
  keepaliveIntervalMs?: number;
  keepaliveTimeoutMs?: number;
  /** Default: the console at `warn`. */
  log?: Logger;
}

/** Call-IDs of our keepalive OPTIONS start with this, so their answers can be told apart. */
const KEEPALIVE_CALL_ID = 'keepalive-';

function token(): string {
  return Math.random().toString(36).slice(2, 12);
}

/** The keepalive OPTIONS (RFC 3261 §11), stateless: nobody retransmits it. */
export function keepaliveRequest(domain: string, sequence: number, viaTransport: string): string {
  return [
    `OPTIONS sip:${domain} SIP/2.0`,
    `Via: SIP/2.0/${viaTransport} ${token()}.invalid;branch=z9hG4bK${token()}`,
    'Max-Forwards: 70',
    `To: <sip:${domain}>`,
    `From: <sip:keepalive@${domain}>;tag=${token()}`,
    `Call-ID: ${KEEPALIVE_CALL_ID}${token()}`,
    `CSeq: ${sequence} OPTIONS`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/**
 * For an answer to our keepalive: `{ region }` (undefined when the server does not say).
 * For anything else: undefined.
 */
export function keepaliveAnswer(
  data: string | ArrayBuffer,
): { region: string | undefined } | undefined {
  if (typeof data !== 'string' || !data.startsWith('SIP/2.0 ')) return undefined;
  if (!new RegExp(`^(Call-ID|i)\\s*:\\s*${KEEPALIVE_CALL_ID}`, 'im').test(data)) return undefined;
  return { region: regionHeader(data) };
}

/** The `X-Region` header of a SIP message, if any. */
export function regionHeader(message: string): string | undefined {
  return /^X-Region\s*:\s*([^\r\n]+?)\s*$/im.exec(message)?.[1];
}

function sipUriOf(url: string): string {
  const { host } = new URL(url);
  return `sip:${host};transport=ws`;
}

export class FailoverSocket {
  /** JsSIP Socket interface: Via transport. */
  via_transport = 'WSS';
  /** JsSIP Socket interface: URL of the current (or next) server. */
  url: string;
  /** JsSIP Socket interface: SIP URI of the current server. */
  sip_uri: string;
  /** JsSIP Socket interface callbacks, set by JsSIP's Transport. */
  onconnect: () => void = () => {};
  ondisconnect: (error: boolean, code?: number, reason?: string) => void = () => {};
  ondata: (data: string | ArrayBuffer) => void = () => {};
  /** The region that answered a keepalive (our extension). */
  onregion: (region: string) => void = () => {};
  /** Why the last connection was declared dead, for the phone's error message. */
  lastDropReason: string | undefined;

  private ws: WebSocket | undefined;
  private index = 0;
  private waitTimer: ReturnType<typeof setTimeout> | undefined;
  private connectTimer: ReturnType<typeof setTimeout> | undefined;
  private retryAt = 0;
  private closedOnPurpose = false;
  private pingSequence = 0;
  private readonly backoff: Backoff;
  private readonly log: Logger;
  private readonly connectTimeoutMs: number;
  private readonly keepalive: Keepalive | undefined;

  constructor(
    private readonly servers: readonly string[],
    options: SocketOptions,
  ) {
    this.backoff = options.backoff ?? new Backoff();
    this.log = options.log ?? defaultLogger;
    this.connectTimeoutMs = options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
    const intervalMs = options.keepaliveIntervalMs ?? KEEPALIVE_INTERVAL_MS;
    if (intervalMs > 0) {
      this.keepalive = new Keepalive({
        intervalMs,
        timeoutMs: options.keepaliveTimeoutMs ?? KEEPALIVE_TIMEOUT_MS,
        ping: () => {
          this.pingSequence += 1;
          this.send(keepaliveRequest(options.domain, this.pingSequence, this.via_transport));
        },
        dead: (silentMs) => this.declareDead(`no answer to the keepalive for ${silentMs} ms`),
      });
    }
    this.url = servers[0]!;
    this.sip_uri = sipUriOf(this.url);
    this.via_transport = this.url.startsWith('ws:') ? 'WS' : 'WSS';
  }

  /** Open the connection, after the pending backoff delay if the last one dropped. */
  connect(): void {
    this.closedOnPurpose = false;
    if (this.ws || this.waitTimer !== undefined) return;
    const wait = this.retryAt - Date.now();
    if (wait <= 0) {
      this.open();
      return;
    }
    this.waitTimer = setTimeout(() => {
      this.waitTimer = undefined;
      this.open();
    }, wait);
  }

  /** Skip the rest of the backoff delay: connect now (someone is waiting to call). */
  retryNow(): void {
    this.retryAt = 0;
    if (this.waitTimer === undefined) return;
    clearTimeout(this.waitTimer);
    this.waitTimer = undefined;
    this.open();
  }

  /** Close on purpose: no reconnection, and the backoff starts over. */
  disconnect(): void {
    this.closedOnPurpose = true;
    this.keepalive?.stop();
    clearTimeout(this.waitTimer);
    this.waitTimer = undefined;
    this.retryAt = 0;
    this.backoff.reset();
    const ws = this.ws;
    if (!ws) return;
    this.release(ws);
    ws.close();
  }

  /** Send a SIP message; false when not connected (JsSIP then fails the transaction). */
  send(message: string): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(message);
    return true;
  }

  isConnected(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  /** Check the connection now (ping unless one is pending); no-op when not open. */
  probe(): void {
    if (this.isConnected()) this.keepalive?.pingNow();
  }

  isConnecting(): boolean {
    return this.waitTimer !== undefined || this.ws?.readyState === WebSocket.CONNECTING;
  }

  private open(): void {
    this.url = this.servers[this.index]!;
    this.sip_uri = sipUriOf(this.url);
    let ws: WebSocket;
    try {
      ws = takeEarlySocket(this.url) ?? new WebSocket(this.url, 'sip');
    } catch (error) {
      // The browser's message repeats the whole URL: only its kind is logged.
      const kind = error instanceof Error ? error.name : 'error';
      this.log.warn(`cannot open ${redactUrl(this.url)} (${kind})`);
      this.dropped(1006, 'invalid URL');
      return;
    }
    this.ws = ws;
    ws.binaryType = 'arraybuffer';
    this.connectTimer = setTimeout(() => {
      this.release(ws);
      ws.close();
      this.dropped(1006, `no answer within ${this.connectTimeoutMs / 1000} s`);
    }, this.connectTimeoutMs);
    ws.onopen = () => {
      clearTimeout(this.connectTimer);
      this.backoff.connected(Date.now());
      this.lastDropReason = undefined;
      this.onconnect();
      // A first ping at once: it tells the region before any REGISTER answer does.
      this.keepalive?.start();
      this.keepalive?.pingNow();
    };
    // Opened early (early-socket.ts) and already open: it will fire no `open` of its own.
    // After this call, as a fresh socket's would be: JsSIP expects it once connect() returned.
    if (ws.readyState === WebSocket.OPEN) {
      queueMicrotask(() => {
        if (this.ws === ws) ws.onopen?.(new Event('open'));
      });
    }
    ws.onclose = (event) => {
      this.release(ws);
      this.dropped(event.code, event.reason);
    };
    ws.onmessage = (event: MessageEvent<string | ArrayBuffer>) => {
      this.keepalive?.received();
      const answer = keepaliveAnswer(event.data);
      if (!answer) {
        this.ondata(event.data);
        return;
      }
      if (answer.region) this.onregion(answer.region);
    };
  }

  /** The connection is open on paper but dead: abandon it without waiting for TCP. */
  private declareDead(reason: string): void {
    const ws = this.ws;
    if (!ws) return;
    this.lastDropReason = reason;
    this.release(ws);
    ws.close();
    this.dropped(1006, reason);
  }

  private release(ws: WebSocket): void {
    clearTimeout(this.connectTimer);
    this.keepalive?.stop();
    ws.onopen = null;
    ws.onclose = null;
    ws.onmessage = null;
    if (this.ws === ws) this.ws = undefined;
  }

  private dropped(code: number, reason: string): void {
    const now = Date.now();
    this.backoff.disconnected(now);
    this.retryAt = now + this.backoff.next();
    // The next attempt goes to the next server: the current one failed or went away.
    this.index = (this.index + 1) % this.servers.length;
    this.ondisconnect(true, code, reason);
    // Reconnect on our own schedule rather than JsSIP's whole seconds (see above). JsSIP
    // may have closed us from its ondisconnect handler (ua.stop()): then stay closed.
    if (!this.closedOnPurpose && this.waitTimer === undefined && !this.ws) this.connect();
  }
}
