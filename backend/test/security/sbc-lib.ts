// Helpers for the SBC attack tests: a tiny SIP user agent over UDP (enough for a real
// call with digest authentication, RFC 3261 / RFC 2617), a trap that records anything
// the SBC relays to it, and SIP message builders.
import { createHash, randomBytes } from 'node:crypto';
import { createSocket, type RemoteInfo } from 'node:dgram';
import type { EphemeralCredentials } from '../../../testkit/ephemeral';
import { DOMAIN, SBC, type WebSocketClient } from '../lib';

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');
export const token = (): string => randomBytes(6).toString('hex');

/** A test on a received message's text (finalResponse(), requestOf(), ...). */
export type Match = (text: string) => boolean;

/** A header's value from a SIP message (first occurrence), or undefined (also for no message). */
export function header(message: string | null, name: string): string | undefined {
  const match = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(message ?? '');
  return match?.[1].trim();
}

/** All values of a header, comma-separated lists split (Record-Route). */
export function headers(message: string, name: string): string[] {
  const values: string[] = [];
  for (const match of message.matchAll(new RegExp(`^${name}:[ \\t]*(.*)$`, 'gim')))
    values.push(...match[1].split(/,(?=\s*<)/).map((v) => v.trim()));
  return values;
}

/** A response's status code; 0 for a request, or for no message (null). */
export const statusOf = (message: string | null): number =>
  Number(/^SIP\/2\.0 (\d{3})/.exec(message ?? '')?.[1] ?? 0);

/** What a digest answer is computed over: the request and the credentials. */
export interface DigestRequest extends EphemeralCredentials {
  method: string;
  uri: string;
  /** The nonce count sent with qop=auth (default 1). */
  nc?: number;
}

/**
 * The Authorization value answering a digest challenge (WWW-/Proxy-Authenticate value),
 * with qop=auth when offered (RFC 2617 section 3.2.2). An undefined challenge (a reply
 * without the header) gives an answer without realm or nonce.
 */
export function digest(
  challenge: string | undefined,
  { method, uri, username, password, nc = 1 }: DigestRequest,
): string {
  const param = (name: string) =>
    new RegExp(`${name}="?([^",]+)"?`, 'i').exec(challenge ?? '')?.[1];
  const realm = param('realm');
  const nonce = param('nonce');
  const qop = param('qop');
  const ha1 = md5(`${username}:${realm}:${password}`);
  const ha2 = md5(`${method}:${uri}`);
  const base = `Digest username="${username}", realm="${realm}", nonce="${nonce}", uri="${uri}"`;
  if (!qop?.split(/\s*,\s*/).includes('auth'))
    return `${base}, response="${md5(`${ha1}:${nonce}:${ha2}`)}", algorithm=MD5`;
  const ncValue = nc.toString(16).padStart(8, '0');
  const cnonce = token();
  const response = md5(`${ha1}:${nonce}:${ncValue}:${cnonce}:auth:${ha2}`);
  return `${base}, response="${response}", algorithm=MD5, qop=auth, nc=${ncValue}, cnonce="${cnonce}"`;
}

/** A datagram an endpoint received: its text and its sender. */
export interface Datagram {
  text: string;
  from: RemoteInfo;
}

export interface WaitForOptions {
  /** Give up (resolve with null) after this long; default 3000 ms. */
  timeoutMs?: number;
  /** The index in `received` to look from (default 0: everything received so far). */
  start?: number;
}

/**
 * A UDP socket that keeps every datagram it receives: udpEndpoint() here, fuzz-lib's
 * rawEndpoint(), and what placeCall() runs a call over. `LOCAL` in a sent text stands for
 * the endpoint's own host:port.
 */
export interface SipEndpoint {
  readonly port: number;
  readonly host: string;
  /** Every datagram received so far, in arrival order. */
  readonly received: readonly Datagram[];
  /** Sends `text` (LOCAL filled in) to port/host, by default the SBC's SIP port. */
  send(text: string, port?: number, host?: string): Promise<void>;
  /** The first received text (from `start` on) that matches, or null after `timeoutMs`. */
  waitFor(match: Match, options?: WaitForOptions): Promise<string | null>;
  close(): void;
}

/** What an endpoint received so far, and waiting for what it has not received yet. */
function inbox(): Pick<SipEndpoint, 'received' | 'waitFor'> & { push(item: Datagram): void } {
  const received: Datagram[] = [];
  const waiters: (() => void)[] = [];
  return {
    received,
    push(item) {
      received.push(item);
      for (const waiter of [...waiters]) waiter();
    },
    /** Resolves with the first received item (from `start` on) that matches, or null on timeout. */
    waitFor(match, { timeoutMs = 3000, start = 0 } = {}) {
      return new Promise((resolve) => {
        let index = start;
        const check = () => {
          for (; index < received.length; index++) {
            if (match(received[index].text)) {
              finish(received[index].text);
              return;
            }
          }
        };
        const waiter = () => check();
        const timer = setTimeout(() => finish(null), timeoutMs);
        const finish = (value: string | null) => {
          clearTimeout(timer);
          const at = waiters.indexOf(waiter);
          if (at >= 0) waiters.splice(at, 1);
          resolve(value);
        };
        waiters.push(waiter);
        check();
      });
    },
  };
}

/** A UDP socket that queues every datagram it receives. */
export async function udpEndpoint(bind = '127.0.0.1', port = 0): Promise<SipEndpoint> {
  const socket = createSocket('udp4');
  const { received, push, waitFor } = inbox();
  socket.on('message', (buf, rinfo) => push({ text: buf.toString(), from: rinfo }));
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, bind, resolve);
  });
  const address = socket.address();
  return {
    port: address.port,
    host: bind,
    received,
    send(text, port = SBC.sipPort, host = SBC.host) {
      return new Promise((resolve) =>
        socket.send(text.replaceAll('LOCAL', `${bind}:${address.port}`), port, host, () =>
          resolve(),
        ),
      );
    },
    waitFor,
    close() {
      socket.close();
    },
  };
}

/**
 * An open WebSocket (lib.ts websocket()) as a SipEndpoint, so that placeCall() and the
 * in-dialog helpers run over it as a browser's SIP stack would: every message goes on this
 * one connection (the port and host given to send() are ignored), a `SIP/2.0/UDP LOCAL` Via
 * becomes a WSS one and LOCAL a made-up `.invalid` host, with ;transport=ws in URIs (RFC 7118
 * section 5.2; its section 8 examples: a WebSocket client has no address of its own).
 */
export function webSocketEndpoint(ws: WebSocketClient): SipEndpoint {
  const local = `${token()}.invalid`;
  const { received, push, waitFor } = inbox();
  let open = true;
  const from = { address: SBC.host, family: 'IPv4' as const, port: SBC.wssPort, size: 0 };
  void (async () => {
    while (open) {
      // Short waits, so that a closed endpoint stops reading at once.
      const text = await ws.next(500).catch(() => null);
      if (text !== null) push({ text, from: { ...from, size: Buffer.byteLength(text) } });
    }
  })();
  return {
    port: ws.localPort,
    host: SBC.host,
    received,
    async send(text) {
      ws.send(
        text
          .replaceAll('SIP/2.0/UDP LOCAL', `SIP/2.0/WSS ${local}`)
          .replaceAll('@LOCAL>', `@${local};transport=ws>`)
          .replaceAll('LOCAL', local),
      );
    },
    waitFor,
    close() {
      open = false;
      ws.close();
    },
  };
}

/** The response a UAS gives `request` (the text of one): its Vias, From, To, Call-ID, CSeq. */
export function responseTo(request: string, status: number, reason: string): string {
  const copied = request.split('\r\n').filter((line) => /^(Via|From|To|Call-ID|CSeq):/i.test(line));
  return [`SIP/2.0 ${status} ${reason}`, ...copied, 'Content-Length: 0', '', ''].join('\r\n');
}

/** An in-dialog request with this method and Call-ID (e.g. a BYE the SBC relays to us). */
export const requestOf =
  (callId: string, method: string): Match =>
  (text) =>
    text.startsWith(`${method} `) && header(text, 'Call-ID') === callId;

/** A final response (not 100) to the request with this Call-ID and CSeq method. */
export const finalResponse =
  (callId: string, method: string): Match =>
  (text) =>
    statusOf(text) >= 180 &&
    header(text, 'Call-ID') === callId &&
    new RegExp(`^\\d+ ${method}$`).test(header(text, 'CSeq') ?? '') &&
    (method !== 'INVITE' || statusOf(text) >= 200);

export interface ForgeOptions {
  /** The Request-URI: where the attacker wants the request relayed. */
  target: string;
  /** The Via's protocol and sent-by (default `SIP/2.0/UDP LOCAL`). */
  via?: string;
  /** The Route header's value (default `<sip:SBC-host;lr>`). */
  route?: string;
  callId?: string;
}

/** A forged request's text (LOCAL still in it) and its Call-ID. */
export interface ForgedRequest {
  callId: string;
  text: string;
}

/**
 * An in-dialog request an attacker makes up: a To-tag that belongs to no dialog, a Route
 * through the SBC and a Request-URI pointing wherever the attacker wants it relayed.
 */
export function forgedInDialog(
  method: string,
  { target, via = 'SIP/2.0/UDP LOCAL', route, callId }: ForgeOptions,
): ForgedRequest {
  const id = callId ?? `forged-${token()}`;
  const lines = [
    `${method} ${target} SIP/2.0`,
    `Via: ${via};branch=z9hG4bK${token()}`,
    'Max-Forwards: 70',
    `Route: ${route ?? `<sip:${SBC.host};lr>`}`,
    `From: <sip:mallory@${DOMAIN}>;tag=${token()}`,
    `To: <sip:victim@${DOMAIN}>;tag=${token()}`,
    `Call-ID: ${id}`,
    `CSeq: 2 ${method}`,
    'Contact: <sip:mallory@LOCAL>',
  ];
  if (method === 'REFER') lines.push(`Refer-To: <sip:ivr@${DOMAIN}>`);
  if (method === 'MESSAGE')
    return {
      callId: id,
      text: [...lines, 'Content-Type: text/plain', 'Content-Length: 5', '', 'hello'].join('\r\n'),
    };
  return { callId: id, text: [...lines, 'Content-Length: 0', '', ''].join('\r\n') };
}

/** An SDP offer's media direction (RFC 4566 section 6). */
export type SdpDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

function sdp(rtpPort: number, direction: SdpDirection = 'sendrecv'): string {
  return [
    'v=0',
    `o=- 1 1 IN IP4 127.0.0.1`,
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio ${rtpPort} RTP/AVP 0 101`,
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:101 telephone-event/8000',
    `a=${direction}`,
    '',
  ].join('\r\n');
}

/** The call placeCall() sets up. */
export interface CallSetup {
  /** The caller's user part (From and Contact), whose credentials authenticate it. */
  caller: string;
  /** The callee: the Request-URI's user (a service or an agent). */
  service: string;
  credentials: EphemeralCredentials;
  /** Where the caller receives media: the SDP offer names its port. */
  rtp: { readonly port: number };
  /** The offer's direction (default sendrecv). */
  direction?: SdpDirection;
  /** Header lines added to the INVITE (both of them: before and after the challenge). */
  extra?: readonly string[];
  /**
   * Whether the SBC challenges the INVITE (default true: 407, then the INVITE again with
   * credentials). False: the first INVITE must be answered as it is, as on a WebSocket that
   * proved its credentials before (kamailio.cfg, route[CONNECTION_USER]).
   */
  challenged?: boolean;
}

/** An in-dialog request's sender and extra header lines (Call.request()). */
export interface InDialogOptions {
  /** The endpoint that sends it (default the call's own `ua`). */
  from?: SipEndpoint;
  /** Header lines added after CSeq. */
  extra?: readonly string[];
}

/** An established call (placeCall()): its dialog and its in-dialog requests. */
export interface Call<E extends SipEndpoint = SipEndpoint> {
  /** The caller's endpoint, the call's own. */
  ua: E;
  callId: string;
  fromTag: string;
  /** The 200's To header, with the callee's tag. */
  to: string;
  /** The route set: the 200's Record-Route, reversed. */
  routes: string[];
  /** The remote target (the 200's Contact URI): every in-dialog request's Request-URI. */
  target: string;
  /**
   * An in-dialog request as this call's caller would send it, from `from` (default the
   * UA itself), with `extra` header lines. Resolves with the final reply's text or null.
   */
  request(method: string, options?: InDialogOptions): Promise<string | null>;
  /** The final status of an in-dialog request (see `request`), or null. */
  status(method: string, options?: InDialogOptions): Promise<number | null>;
  /** Closes the UA's socket (it sends nothing: a BYE is `status('BYE')`). */
  close(): void;
}

/**
 * A real call over UDP: INVITE, 407, authenticated INVITE, 200, ACK (with `challenged:
 * false`: INVITE, 200, ACK). Returns the dialog (Call-ID, tags, route set, remote target)
 * and helpers for in-dialog requests. A caller that offers `direction: 'recvonly'` only
 * listens (the media server then expects no RTP). `ua` is the endpoint to call from
 * (default: a new udpEndpoint(); webSocketEndpoint() calls over a WebSocket).
 */
export function placeCall<E extends SipEndpoint>(setup: CallSetup & { ua: E }): Promise<Call<E>>;
export function placeCall(setup: CallSetup & { ua?: undefined }): Promise<Call>;
export async function placeCall({
  caller,
  service,
  credentials,
  rtp,
  ua: given,
  direction,
  extra,
  challenged,
}: CallSetup & { ua?: SipEndpoint | undefined }): Promise<Call> {
  const ua = given ?? (await udpEndpoint());
  try {
    return await setUpCall(ua, { caller, service, credentials, rtp, direction, extra, challenged });
  } catch (error) {
    // A refused call leaves no socket behind (it would keep the test process alive).
    if (!given) ua.close();
    throw error;
  }
}

async function setUpCall(
  ua: SipEndpoint,
  { caller, service, credentials, rtp, direction, extra = [], challenged = true }: CallSetup,
): Promise<Call> {
  const callId = `call-${token()}`;
  const fromTag = token();
  const uri = `sip:${service}@${DOMAIN}`;
  const invite = (cseq: number, auth?: string) => {
    const body = sdp(rtp.port, direction);
    return [
      `INVITE ${uri} SIP/2.0`,
      `Via: SIP/2.0/UDP LOCAL;rport;branch=z9hG4bK${token()}`,
      'Max-Forwards: 70',
      `From: <sip:${caller}@${DOMAIN}>;tag=${fromTag}`,
      `To: <${uri}>`,
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} INVITE`,
      `Contact: <sip:${caller}@LOCAL>`,
      ...(auth ? [`Proxy-Authorization: ${auth}`] : []),
      ...extra,
      'Content-Type: application/sdp',
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ].join('\r\n');
  };
  const ack = (
    cseq: number,
    toHeader: string | undefined,
    requestUri: string,
    routes: readonly string[],
  ) =>
    [
      `ACK ${requestUri} SIP/2.0`,
      `Via: SIP/2.0/UDP LOCAL;rport;branch=z9hG4bK${token()}`,
      ...routes.map((r) => `Route: ${r}`),
      'Max-Forwards: 70',
      `From: <sip:${caller}@${DOMAIN}>;tag=${fromTag}`,
      `To: ${toHeader}`,
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} ACK`,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');

  let cseq = 1;
  await ua.send(invite(cseq));
  let answer = await ua.waitFor(finalResponse(callId, 'INVITE'), {
    timeoutMs: challenged ? 3000 : 15000,
  });
  if (challenged) {
    const challenge = answer;
    if (challenge === null || statusOf(challenge) !== 407)
      throw new Error(`expected 407, got ${challenge}`);
    await ua.send(ack(cseq, header(challenge, 'To'), uri, []));
    const auth = digest(header(challenge, 'Proxy-Authenticate'), {
      method: 'INVITE',
      uri,
      ...credentials,
    });
    const start = ua.received.length;
    cseq += 1;
    await ua.send(invite(cseq, auth));
    answer = await ua.waitFor(finalResponse(callId, 'INVITE'), { timeoutMs: 15000, start });
  }
  if (answer === null || statusOf(answer) !== 200) throw new Error(`call not answered: ${answer}`);
  const to = header(answer, 'To');
  const routes = headers(answer, 'Record-Route').reverse();
  const target = /<([^>]+)>/.exec(header(answer, 'Contact') ?? '')?.[1];
  if (to === undefined || target === undefined)
    throw new Error(`answer without To or Contact URI: ${answer}`);
  await ua.send(ack(cseq, to, target, routes));

  /**
   * An in-dialog request as this call's caller would send it, from `from` (default the
   * UA itself), with `extra` header lines. Resolves with the final reply's text or null.
   */
  const request = async (
    method: string,
    { from = ua, extra = [] }: InDialogOptions = {},
  ): Promise<string | null> => {
    cseq += 1;
    const text = [
      `${method} ${target} SIP/2.0`,
      `Via: SIP/2.0/UDP LOCAL;rport;branch=z9hG4bK${token()}`,
      ...routes.map((r) => `Route: ${r}`),
      'Max-Forwards: 70',
      `From: <sip:${caller}@${DOMAIN}>;tag=${fromTag}`,
      `To: ${to}`,
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} ${method}`,
      ...extra,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    const mark = from.received.length;
    await from.send(text);
    return from.waitFor(finalResponse(callId, method), { start: mark });
  };
  /** The final status of an in-dialog request (see `request`), or null. */
  const status = async (method: string, options?: InDialogOptions): Promise<number | null> => {
    const reply = await request(method, options);
    return reply ? statusOf(reply) : null;
  };
  return { ua, callId, fromTag, to, routes, target, request, status, close: () => ua.close() };
}

/** Resolves once `count` RTP packets arrived at `rtp` after this call, false on timeout. */
export async function rtpFlows(
  rtp: SipEndpoint,
  { count = 10, timeoutMs = 10000 }: { count?: number; timeoutMs?: number } = {},
): Promise<boolean> {
  const start = rtp.received.length;
  const deadline = Date.now() + timeoutMs;
  while (rtp.received.length - start < count) {
    if (Date.now() > deadline) return false;
    await rtp.waitFor(() => true, { timeoutMs: 200, start: rtp.received.length });
  }
  return true;
}

/** Registers `user` on an open WebSocket (lib.ts websocket()) with digest authentication. */
export async function registerOverWebSocket(
  ws: WebSocketClient,
  user: string,
  credentials: EphemeralCredentials,
  contactHost: string,
  contactParams = '',
): Promise<string> {
  const callId = token();
  const register = (cseq: number, authorization?: string) =>
    [
      `REGISTER sip:${DOMAIN} SIP/2.0`,
      `Via: SIP/2.0/WSS ${contactHost};branch=z9hG4bK${token()}`,
      'Max-Forwards: 70',
      `From: <sip:${user}@${DOMAIN}>;tag=${callId}`,
      `To: <sip:${user}@${DOMAIN}>`,
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} REGISTER`,
      `Contact: <sip:${user}@${contactHost};transport=ws>;expires=60${contactParams}`,
      ...(authorization ? [`Authorization: ${authorization}`] : []),
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
  ws.send(register(1));
  const challenge = await ws.next();
  ws.send(
    register(
      2,
      digest(header(challenge, 'WWW-Authenticate'), {
        method: 'REGISTER',
        uri: `sip:${DOMAIN}`,
        ...credentials,
      }),
    ),
  );
  return ws.next();
}
