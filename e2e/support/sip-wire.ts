/**
 * What a page actually sent and received on its SIP WebSocket: the wire-level truth for
 * "no retry storm", "no second INVITE" and for finding a call's Call-ID on the server.
 */
import { appendFileSync } from 'node:fs';
import type { Page, WebSocket } from '@playwright/test';

/**
 * A file to append every frame to, one JSON string a line, when set: the SIP the lab really
 * exchanges with the widget, for the grammar stand-in's corpus (bench/grammar/corpus.ts).
 */
const CAPTURE_FILE = process.env.SIP_WIRE_CAPTURE;

export interface SipMessage {
  direction: 'sent' | 'received';
  /** Request method (`INVITE`), or undefined for a response. */
  method: string | undefined;
  /** Response status (`200`), or undefined for a request. */
  status: number | undefined;
  callId: string;
  /** CSeq method, e.g. `INVITE` for a `200 OK` to an INVITE. */
  cseqMethod: string;
  from: string;
  to: string;
  at: number;
  /** The whole message, for diagnostics. */
  raw: string;
}

function header(lines: string[], ...names: string[]): string {
  const prefixes = names.map((name) => `${name.toLowerCase()}:`);
  const line = lines.find((l) => prefixes.some((p) => l.toLowerCase().startsWith(p)));
  return line ? line.slice(line.indexOf(':') + 1).trim() : '';
}

export function parseSipMessage(
  text: string,
  direction: SipMessage['direction'],
): SipMessage | undefined {
  const lines = text.split('\r\n');
  const first = lines[0] ?? '';
  const response = /^SIP\/2\.0 (\d{3})/.exec(first);
  const request = /^([A-Z]+) \S+ SIP\/2\.0$/.exec(first);
  if (!response && !request) return undefined;
  return {
    direction,
    method: request?.[1],
    status: response ? Number(response[1]) : undefined,
    callId: header(lines, 'Call-ID', 'i'),
    cseqMethod: header(lines, 'CSeq').split(/\s+/)[1] ?? '',
    from: header(lines, 'From', 'f'),
    to: header(lines, 'To', 't'),
    at: Date.now(),
    raw: text,
  };
}

/** Call-IDs of the INVITEs sent among `messages` (new dialogs only, not re-INVITEs). */
export function outgoingCallIds(messages: readonly SipMessage[]): string[] {
  const ids = messages
    .filter((m) => m.direction === 'sent' && m.method === 'INVITE')
    .map((m) => m.callId);
  return [...new Set(ids)];
}

/** Records every SIP message of a page's WebSockets, from now on. */
export class SipWire {
  readonly messages: SipMessage[] = [];
  readonly sockets: WebSocket[] = [];

  constructor(page: Page) {
    page.on('websocket', (ws) => {
      this.sockets.push(ws);
      const record =
        (direction: SipMessage['direction']) => (frame: { payload: string | Buffer }) => {
          if (CAPTURE_FILE)
            appendFileSync(CAPTURE_FILE, `${JSON.stringify(frame.payload.toString())}\n`);
          const message = parseSipMessage(frame.payload.toString(), direction);
          if (message) this.messages.push(message);
        };
      ws.on('framesent', record('sent'));
      ws.on('framereceived', record('received'));
    });
  }

  sentRequests(method: string): SipMessage[] {
    return this.messages.filter((m) => m.direction === 'sent' && m.method === method);
  }

  /** Responses received to our requests of this method (e.g. REGISTER → 401, 200). */
  responsesTo(method: string): SipMessage[] {
    return this.messages.filter(
      (m) => m.direction === 'received' && m.status !== undefined && m.cseqMethod === method,
    );
  }

  /** Call-IDs of the INVITEs this page sent (new dialogs only, not re-INVITEs). */
  outgoingCallIds(): string[] {
    return outgoingCallIds(this.messages);
  }

  /** Call-IDs of INVITEs this page received (incoming calls). */
  incomingCallIds(): string[] {
    const ids = this.messages
      .filter((m) => m.direction === 'received' && m.method === 'INVITE')
      .map((m) => m.callId);
    return [...new Set(ids)];
  }
}
