/**
 * The WebSocket under JsSIP, with our own failover and backoff.
 *
 * JsSIP's Transport reconnects by itself (random whole seconds, random server among
 * equal weights, attempts reset on every connect). We want the servers tried in the
 * configured order, a connect timeout, and a backoff that only resets after a stable
 * connection. So JsSIP gets this single socket object, configured to call `connect()`
 * again 1 s after a drop (the smallest value it accepts), and `connect()` waits out the
 * rest of our own schedule: JsSIP keeps its transaction and re-REGISTER logic, the
 * timing is ours (with 1 s as the shortest delay).
 */
import { Backoff } from './backoff';

/** A WebSocket that neither opens nor fails within this time is abandoned. */
export const CONNECT_TIMEOUT_MS = 5000;

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

  private ws: WebSocket | undefined;
  private index = 0;
  private waitTimer: ReturnType<typeof setTimeout> | undefined;
  private connectTimer: ReturnType<typeof setTimeout> | undefined;
  private retryAt = 0;

  constructor(
    private readonly servers: readonly string[],
    private readonly backoff = new Backoff(),
    private readonly connectTimeoutMs = CONNECT_TIMEOUT_MS,
  ) {
    this.url = servers[0]!;
    this.sip_uri = sipUriOf(this.url);
    this.via_transport = this.url.startsWith('ws:') ? 'WS' : 'WSS';
  }

  /** Open the connection, after the pending backoff delay if the last one dropped. */
  connect(): void {
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

  isConnecting(): boolean {
    return this.waitTimer !== undefined || this.ws?.readyState === WebSocket.CONNECTING;
  }

  private open(): void {
    this.url = this.servers[this.index]!;
    this.sip_uri = sipUriOf(this.url);
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url, 'sip');
    } catch (error) {
      console.warn(`[softphone] cannot open ${this.url}`, error);
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
      this.onconnect();
    };
    ws.onclose = (event) => {
      this.release(ws);
      this.dropped(event.code, event.reason);
    };
    ws.onmessage = (event: MessageEvent<string | ArrayBuffer>) => this.ondata(event.data);
  }

  private release(ws: WebSocket): void {
    clearTimeout(this.connectTimer);
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
  }
}
