/**
 * The WebSocket to the SBC, opened before the engine is in (issue 16, "Registration in
 * parallel": "WebSocket opened while credentials are in flight").
 *
 * An agent's phone registers as its page loads, and a visitor's on the first intent; the
 * connection (TCP, TLS, the WebSocket handshake) needs neither JsSIP nor credentials, only
 * the server's address. The script-tag core opens it as soon as it knows that address, while
 * the element's module, Lit and the engine download, and the phone's socket (socket.ts)
 * takes it instead of opening its own. Small and without the engine's imports,
 * like credentials-request.ts, so that it can sit in the core.
 */
import { KeptForTaker } from './kept-for-taker';

/** How long a socket opened early waits for its phone before it is closed. */
export const EARLY_SOCKET_KEPT_MS = 10_000;

const early = new KeptForTaker<string, WebSocket>(EARLY_SOCKET_KEPT_MS, (ws) => ws.close());

/** Start connecting to `url` (a wss:// server the configuration accepts) for the phone to come. */
export function openSocketEarly(url: string): void {
  if (early.has(url)) return;
  let ws: WebSocket;
  try {
    ws = new WebSocket(url, 'sip');
  } catch {
    // The phone will try it itself and report why it cannot.
    return;
  }
  early.keep(url, ws);
}

/**
 * The socket opened early to `url`, once, while it is connecting or open; undefined when
 * there is none or it failed (the phone then opens its own).
 */
export function takeEarlySocket(url: string): WebSocket | undefined {
  const ws = early.take(url);
  if (!ws) return undefined;
  if (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN) return ws;
  ws.close();
  return undefined;
}
