/**
 * Dead-connection detection for the WebSocket. A browser learns that a TCP connection is
 * gone only when something tells it (a FIN, an RST); a region whose host vanished, or a
 * proxy that keeps the client side open, tells nothing, and the socket looks healthy for
 * minutes. Server WebSocket pings (Kamailio's `keepalive_mechanism`) are answered by the
 * browser itself and never reach the page, so the page pings on its own: after
 * `intervalMs` without any inbound data it sends a ping (a SIP OPTIONS, see socket.ts),
 * and when nothing at all arrives within `timeoutMs` after it, the connection is dead.
 * Any inbound data counts as life, so a busy connection is never pinged.
 */

export interface KeepaliveOptions {
  /** Quiet this long (ms) → ping. */
  intervalMs: number;
  /** No data this long (ms) after a ping → dead. */
  timeoutMs: number;
  /** Send one ping. */
  ping(): void;
  /** The connection is dead: called once, then the keepalive stops. */
  dead(silentMs: number): void;
}

export class Keepalive {
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private deadTimer: ReturnType<typeof setTimeout> | undefined;
  private lastHeard = 0;
  private running = false;

  constructor(private readonly options: KeepaliveOptions) {}

  /** Start watching a freshly opened connection. */
  start(): void {
    this.running = true;
    this.received();
  }

  /** Something arrived: the connection is alive; the next ping is `intervalMs` away. */
  received(): void {
    if (!this.running) return;
    this.lastHeard = Date.now();
    clearTimeout(this.deadTimer);
    this.deadTimer = undefined;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.pingNow(), this.options.intervalMs);
  }

  /**
   * Ping at once, unless a ping is already waiting for its answer (e.g. the browser came
   * back online, or a call needs to know now).
   */
  pingNow(): void {
    if (!this.running || this.deadTimer !== undefined) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    // Armed before the ping goes: an answer that arrives within ping() itself (a transport
    // that delivers at once) must find the timer to clear.
    this.deadTimer = setTimeout(() => {
      this.stop();
      this.options.dead(Date.now() - this.lastHeard);
    }, this.options.timeoutMs);
    this.options.ping();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.idleTimer);
    clearTimeout(this.deadTimer);
    this.idleTimer = undefined;
    this.deadTimer = undefined;
  }
}
