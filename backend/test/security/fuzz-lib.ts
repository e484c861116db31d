// A small, deterministic SIP fuzzer for the fuzz stage of issue 10: valid request
// templates (RFC 3261 section 7), mutations that break them in the ways parsers get wrong,
// and senders that record, per message, the reply's status (or none) and its latency.
//
// Everything is derived from one seed: message `i` of lane `L` is built by a PRNG seeded
// with (seed, L, i), so a failure names seed, lane and index, and `fuzzMessage()` rebuilds
// exactly that message for a reproduction.
import { createSocket } from 'node:dgram';
import { sleep } from '../../../testkit/poll';
import { HOST, MEDIA_SERVERS } from '../../../testkit/topology';
import { DOMAIN, MEDIA_HTTP, SBC, type WebSocketClient, websocket } from '../lib';
import type { Call, Datagram, SipEndpoint } from './sbc-lib';

/** The lab's media1, which injected requests try to reach past the SBC. */
const MEDIA1_SIP = `${HOST}:${MEDIA_SERVERS.find((server) => server.name === 'media1')!.sipPort}`;

/** What prng() gives: draws from one seeded sequence. */
export interface Rng {
  /** A number from 0 (inclusive) to 1 (exclusive). */
  next(): number;
  /** An integer from 0 to n - 1. */
  int(n: number): number;
  /** An integer from min to max inclusive, log-uniform so small and huge sizes both occur. */
  size(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** True with probability p. */
  chance(p: number): boolean;
}

/** mulberry32: tiny, fast, good enough for choosing mutations (not for anything secret). */
export function prng(seed: number): Rng {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    /** An integer from min to max inclusive, log-uniform so small and huge sizes both occur. */
    size: (min, max) =>
      Math.round(Math.exp(Math.log(min) + next() * (Math.log(max) - Math.log(min)))),
    pick: (items) => items[int(items.length)],
    chance: (p) => next() < p,
  };
}

/** A 32-bit seed for message `index` of `lane`, from the run's seed (FNV-1a over the three). */
function messageSeed(seed: number, lane: string, index: number): number {
  let hash = 0x811c9dc5;
  for (const ch of `${seed}/${lane}/${index}`) {
    hash ^= ch.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

// Messages are latin1 strings while they are built and mutated: one character is one byte,
// so byte flips and non-UTF-8 runs are exact, and Buffer.from(text, 'latin1') sends them as is.
// `LOCAL` stands for the sender's own address (host:port), filled in when it is known.

const SDP = [
  'v=0',
  'o=- 1 1 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 10000 RTP/AVP 0 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-15',
  'a=sendrecv',
  '',
].join('\r\n');

const DTMF = 'Signal=5\r\nDuration=160\r\n';

/** Out-of-dialog request templates aimed at `target` (host:port), `marker` in Call-ID and branch. */
const TEMPLATES = {
  INVITE: (m: string) =>
    request('INVITE', `sip:echo@${DOMAIN}`, m, {
      contact: true,
      type: 'application/sdp',
      body: SDP,
    }),
  REGISTER: (m: string) =>
    request('REGISTER', `sip:${DOMAIN}`, m, {
      contact: true,
      to: `<sip:fuzz@${DOMAIN}>`,
      extra: ['Expires: 60'],
    }),
  OPTIONS: (m: string, t: string) => request('OPTIONS', `sip:${t}`, m, { to: `<sip:${t}>` }),
  BYE: (m: string) => request('BYE', `sip:echo@${DOMAIN}`, m, { toTag: true }),
  MESSAGE: (m: string) =>
    request('MESSAGE', `sip:agent1@${DOMAIN}`, m, { type: 'text/plain', body: 'hello' }),
  INFO: (m: string) =>
    request('INFO', `sip:echo@${DOMAIN}`, m, {
      toTag: true,
      type: 'application/dtmf-relay',
      body: DTMF,
    }),
  ACK: (m: string) => request('ACK', `sip:echo@${DOMAIN}`, m, { toTag: true }),
};
/** A method with an out-of-dialog template. */
export type TemplateMethod = keyof typeof TEMPLATES;
export const METHODS = Object.keys(TEMPLATES) as TemplateMethod[];

interface TemplateParts {
  /** A Contact header (the sender's own address). */
  contact?: boolean;
  /** The To header's value (default the Request-URI in angle brackets). */
  to?: string;
  /** A To-tag, as in a dialog. */
  toTag?: boolean;
  /** The body's Content-Type. */
  type?: string;
  body?: string;
  extra?: readonly string[];
}

function request(
  method: string,
  uri: string,
  marker: string,
  { contact, to, toTag, type, body = '', extra = [] }: TemplateParts,
): string {
  const lines = [
    `${method} ${uri} SIP/2.0`,
    `Via: SIP/2.0/UDP LOCAL;rport;branch=z9hG4bK${marker}`,
    'Max-Forwards: 70',
    `From: "Fuzz" <sip:fuzz@${DOMAIN}>;tag=f${marker}`,
    `To: ${to ?? `<${uri}>`}${toTag ? `;tag=t${marker}` : ''}`,
    `Call-ID: ${marker}`,
    `CSeq: 1 ${method}`,
    ...(contact ? ['Contact: <sip:fuzz@LOCAL>'] : []),
    'User-Agent: helpline-fuzz',
    ...extra,
  ];
  return framed(lines, type, body);
}

/** Header lines plus Content-Type / Content-Length and the body, as one message. */
export function framed(lines: readonly string[], type: string | undefined, body = ''): string {
  const head = [
    ...lines,
    ...(type ? [`Content-Type: ${type}`] : []),
    `Content-Length: ${body.length}`,
  ];
  return `${head.join('\r\n')}\r\n\r\n${body}`;
}

// ---- mutations: each takes a message and the PRNG and returns the mutated message ----

const lineBreak = (text: string): number => {
  const end = text.indexOf('\r\n\r\n');
  return end < 0 ? text.length : end;
};
const headerLines = (text: string): string[] => text.slice(0, lineBreak(text)).split('\r\n');
const withHeaders = (text: string, lines: readonly string[]): string =>
  lines.join('\r\n') + text.slice(lineBreak(text));
const randomBytes = (rng: Rng, n: number, from = 0, to = 256): string =>
  Array.from({ length: n }, () => String.fromCharCode(from + rng.int(to - from))).join('');
/** A header line's index (not the start line, unless that is all there is). */
const someHeader = (rng: Rng, lines: readonly string[]): number =>
  lines.length > 1 ? 1 + rng.int(lines.length - 1) : 0;
const whitespace = (rng: Rng, n: number): string =>
  Array.from({ length: n }, () => rng.pick([' ', '\t', ' ', ' \t'])).join('');
/** Sizes from a few bytes up to UDP's limit, and often just under the SBC's 8 KB cap. */
const bigSize = (rng: Rng): number =>
  rng.chance(0.4) ? rng.size(1000, 7800) : rng.size(8, 60_000);

function replaceHeader(text: string, name: string, value: string): string {
  const lines = headerLines(text);
  const at = lines.findIndex((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  if (at < 0) return text;
  lines[at] = `${lines[at].slice(0, name.length)}: ${value}`;
  return withHeaders(text, lines);
}

const BAD_URIS = [
  'sip:%zz@127.0.0.1',
  'sip:%@127.0.0.1',
  'sip:fuzz@127.0.0.1:99999',
  'sip:fuzz@127.0.0.1:999999999999999999999',
  'sip:fuzz@127.0.0.1:-1',
  'sip:fuzz@[::1',
  'sip:fuzz@',
  'sip:@',
  'sip:',
  'sips:fuzz@256.256.256.256',
  'tel:+1-%00',
  `http://${HOST}:${MEDIA_HTTP.media1}/calls`,
  `sip:fuzz@127.0.0.1;transport=ws;alias=${HOST}~${MEDIA_HTTP.media1}~1`,
  'sip:fuzz@127.0.0.1;lr;lr;lr;maddr=127.0.0.1',
  'sip:a%00b@127.0.0.1',
  `sip:constructor@${DOMAIN}`,
  `sip:__proto__@${DOMAIN}`,
];

/** A mutation: the message (latin1) broken in one way, drawing from `rng`. */
export type Mutation = (text: string, rng: Rng) => string;

export const MUTATIONS = {
  byteFlip(text, rng) {
    const chars = text.split('');
    for (let n = 1 + rng.int(8); n > 0; n--)
      chars[rng.int(chars.length)] = String.fromCharCode(rng.int(256));
    return chars.join('');
  },
  truncate(text, rng) {
    return text.slice(0, rng.int(text.length));
  },
  duplicateHeader(text, rng) {
    const lines = headerLines(text);
    const at = someHeader(rng, lines);
    const copies = Array.from({ length: rng.size(2, 200) }, () => lines[at]);
    lines.splice(at, 1, ...copies);
    return withHeaders(text, lines);
  },
  hugeHeader(text, rng) {
    const lines = headerLines(text);
    const name = rng.pick(['Subject', 'X-Fuzz', 'Contact', 'From', 'Via', 'Route', 'Call-Info']);
    lines.splice(
      someHeader(rng, lines),
      0,
      `${name}: ${randomBytes(rng, bigSize(rng), 0x21, 0x7f)}`,
    );
    return withHeaders(text, lines);
  },
  whitespaceRun(text, rng) {
    // The pathological input of issue 10: a long run of blanks inside a name-addr.
    const lines = headerLines(text);
    const at = someHeader(rng, lines);
    const colon = lines[at].indexOf(':') + 1;
    const angle = lines[at].indexOf('<');
    const where = angle > 0 && rng.chance(0.5) ? angle + 1 : colon;
    lines[at] = lines[at].slice(0, where) + whitespace(rng, bigSize(rng)) + lines[at].slice(where);
    return withHeaders(text, lines);
  },
  badContentLength(text, rng) {
    const value = rng.pick([
      '-1',
      '99999999',
      '4294967296',
      'abc',
      '',
      '0',
      '1e3',
      '0x10',
      ' 5 5',
      '99999999999999999999999',
    ]);
    return replaceHeader(text, 'Content-Length', value);
  },
  nonUtf8(text, rng) {
    const lines = headerLines(text);
    const at = rng.int(lines.length);
    const bytes = rng.pick([
      () => randomBytes(rng, rng.size(1, 2000), 0x80, 0x100),
      () => '\xc3\x28\xa0\xa1\xe2\x28\xa1\xf0\x28\x8c\xbc',
      () => '\xef\xbb\xbf',
      () => '\x00'.repeat(rng.size(1, 100)),
      () => randomBytes(rng, rng.size(1, 50), 0, 0x20),
    ])();
    const where = rng.int(lines[at].length + 1);
    lines[at] = lines[at].slice(0, where) + bytes + lines[at].slice(where);
    return withHeaders(text, lines);
  },
  crlfInjection(text, rng) {
    const lines = headerLines(text);
    const at = someHeader(rng, lines);
    const injected = rng.pick([
      `\r\nVia: SIP/2.0/UDP ${MEDIA1_SIP};branch=z9hG4bKinjected`,
      `\r\n\r\nINVITE sip:echo@${MEDIA1_SIP} SIP/2.0`,
      `\r\nRoute: <sip:${MEDIA1_SIP};lr>`,
      '\r',
      '\n',
      '\r\r\n',
      '\n\n',
      '\r\n ',
      '\r\n\t',
    ]);
    lines[at] += injected;
    const joined = withHeaders(text, lines);
    // Sometimes the whole message with bare LF line ends.
    return rng.chance(0.2) ? joined.replaceAll('\r\n', '\n') : joined;
  },
  missingMandatory(text, rng) {
    const name = rng.pick([
      'Via',
      'From',
      'To',
      'Call-ID',
      'CSeq',
      'Max-Forwards',
      'Content-Length',
    ]);
    const lines = headerLines(text).filter(
      (line, i) => i === 0 || !line.toLowerCase().startsWith(`${name.toLowerCase()}:`),
    );
    return withHeaders(text, lines);
  },
  badUri(text, rng) {
    const uri = rng.pick(BAD_URIS);
    const lines = headerLines(text);
    const which = rng.int(4);
    if (which === 0) lines[0] = lines[0].replace(/ \S+ SIP\/2\.0$/, ` ${uri} SIP/2.0`);
    else {
      const name = ['From', 'To', 'Contact'][which - 1];
      const at = lines.findIndex((line) => line.startsWith(`${name}:`));
      if (at > 0) lines[at] = `${name}: <${uri}>${name === 'From' ? ';tag=1' : ''}`;
      else lines.push(`${name}: <${uri}>`);
    }
    return withHeaders(text, lines);
  },
  nestedAngles(text, rng) {
    const depth = rng.size(2, 3000);
    const value = rng.pick([
      () => `${'<'.repeat(depth)}sip:fuzz@127.0.0.1${'>'.repeat(depth)}`,
      () => `<sip:fuzz@127.0.0.1`,
      () => `sip:fuzz@127.0.0.1>`,
      () => `"${'\\"'.repeat(depth)}<sip:fuzz@127.0.0.1>`,
      () => `"unterminated <sip:fuzz@127.0.0.1>`,
      () => `<sip:a@b>;${'p=1;'.repeat(depth)}`,
    ])();
    const name = rng.pick(['From', 'To', 'Contact', 'Route', 'Record-Route']);
    return replaceHeader(text, name, value) === text
      ? withHeaders(text, [...headerLines(text), `${name}: ${value}`])
      : replaceHeader(text, name, value);
  },
  badStartLine(text, rng) {
    const lines = headerLines(text);
    const [method, uri] = lines[0].split(' ');
    lines[0] = rng.pick([
      `${method} ${uri} SIP/3.0`,
      `${method}  ${uri}  SIP/2.0`,
      `${method} SIP/2.0`,
      `${method.toLowerCase()} ${uri} SIP/2.0`,
      `${randomBytes(rng, rng.size(1, 300), 0x41, 0x5b)} ${uri} SIP/2.0`,
      `SIP/2.0 200 OK`,
      `SIP/2.0 999 Nope`,
      `${method} ${uri}`,
      '',
    ]);
    return withHeaders(text, lines);
  },
  badCSeq(text, rng) {
    const method = text.slice(0, text.indexOf(' '));
    return replaceHeader(
      text,
      'CSeq',
      rng.pick([
        `99999999999999999999 ${method}`,
        `-1 ${method}`,
        `1 OTHER`,
        `1`,
        method,
        `4294967296 ${method}`,
        `1 ${method} extra`,
      ]),
    );
  },
  sdpGarbage(text, rng) {
    const body = rng.pick([
      () => SDP.replace('m=audio 10000', `m=audio ${rng.pick(['99999', '-1', '0', 'x', '65536'])}`),
      () =>
        SDP.replace(
          'c=IN IP4 127.0.0.1',
          rng.pick([
            'c=IN IP4 999.1.1.1',
            'c=IN IP6 ::::',
            'c=IN IP4',
            'c=IN IP4 203.0.113.1/255/2',
          ]),
        ),
      () =>
        SDP.replace(
          'a=sendrecv',
          Array.from({ length: rng.size(2, 400) }, (_, i) => `a=rtpmap:${i % 128} X/${i}`).join(
            '\r\n',
          ),
        ),
      () => SDP.replace('v=0\r\n', ''),
      () =>
        `${SDP}m=audio 10002 RTP/AVP ${Array.from({ length: rng.size(2, 1000) }, (_, i) => i).join(' ')}\r\n`,
      () => randomBytes(rng, rng.size(1, 4000)),
      () => SDP.replaceAll('\r\n', '\n'),
      () =>
        SDP.replace('a=fmtp:101 0-15', `a=fmtp:101 ${whitespace(rng, rng.size(100, 7000))}0-15`),
    ])();
    return framedBody(text, 'application/sdp', body);
  },
  dtmfGarbage(text, rng) {
    const body = rng.pick([
      () =>
        `Signal=${rng.pick(['', 'Z', '55555', '\x00', '%', '-1'])}\r\nDuration=${rng.pick(['-1', '99999999999', 'x', ''])}\r\n`,
      () => `${'\r\n'.repeat(rng.size(10, 3500))}Signal=1\r\n`,
      () => `Signal=${whitespace(rng, rng.size(100, 7000))}1\r\n`,
      () => `${'Duration=1\r\n'.repeat(rng.size(10, 600))}Signal=2\r\n`,
      () => randomBytes(rng, rng.size(1, 4000)),
    ])();
    return framedBody(text, 'application/dtmf-relay', body);
  },
} satisfies Record<string, Mutation>;
export type MutationName = keyof typeof MUTATIONS;
export const MUTATION_NAMES = Object.keys(MUTATIONS) as MutationName[];

/** The message with `body` and the matching Content-Type / Content-Length. */
function framedBody(text: string, type: string, body: string): string {
  const lines = headerLines(text).filter((line) => !/^content-(type|length):/i.test(line));
  return framed(lines, type, body);
}

/** Builds a lane's requests inside a dialog (inDialog()): the lines to keep, the part to mutate. */
export type DialogBuilder = (
  method: string,
  marker: string,
  index: number,
) => { kept: string; text: string };

/** Where fuzzMessage()'s messages go: out of dialog at `target`, or inside a dialog (`build`). */
export type FuzzOptions =
  | {
      /** The host:port the template addresses. */
      target: string;
      /** The templates to choose from (default: METHODS). */
      methods?: readonly TemplateMethod[];
      build?: undefined;
    }
  | {
      /** The methods to choose from (default: METHODS). */
      methods?: readonly string[];
      /** Replaces the template: requests inside a real dialog. */
      build: DialogBuilder;
    };

/** One fuzz message, named by seed, lane and index. */
export interface FuzzMessage {
  lane: string;
  index: number;
  method: string;
  /** `fz<seed>x<lane>x<index>`, in its Call-ID, branch and tags (or X-Fuzz in a dialog). */
  marker: string;
  mutations: MutationName[];
  /** The message as latin1 text; LOCAL stands for the sender's host:port. */
  text: string;
}

/** What came back for one message. */
export interface Reply {
  /** The first final status (100 if only a provisional came), null if nothing came. */
  status: number | null;
  /** Time to the first reply of any kind (ms), null if none came. */
  latencyMs: number | null;
  /** The final reply's text (or the provisional's), null if none came. */
  reply: string | null;
}

/** A message sent and what came back. */
export interface FuzzRecord extends FuzzMessage, Reply {}

/**
 * Message `index` of `lane`: a template (out of `methods`) with one to three mutations.
 * `target` is the host:port the template addresses; `build` (optional) replaces the
 * template for lanes that send requests inside a real dialog.
 */
export function fuzzMessage(
  seed: number,
  lane: string,
  index: number,
  options: FuzzOptions,
): FuzzMessage {
  const rng = prng(messageSeed(seed, lane, index));
  const marker = `fz${seed}x${lane}x${index}`;
  const method = rng.pick<string>(options.methods ?? METHODS);
  const mutations = Array.from({ length: 1 + rng.int(3) }, () => rng.pick(MUTATION_NAMES));
  // A dialog's own lines (`build` returns them as `kept`) stay intact, so the SBC relays the
  // request to the media server and the mutations reach the media server's parser.
  // Without `build`, `methods` are templates' (FuzzOptions).
  const { kept = '', text: template }: { kept?: string; text: string } = options.build
    ? options.build(method, marker, index)
    : { text: TEMPLATES[method as TemplateMethod](marker, options.target) };
  let text = template;
  for (const name of mutations) text = MUTATIONS[name](text, rng);
  return { lane, index, method, marker, mutations, text: kept + text };
}

/** What inDialog() needs of a call (placeCall() in sbc-lib.ts, or one made up). */
export type DialogCall = Pick<Call, 'target' | 'routes' | 'fromTag' | 'to' | 'callId'>;

/**
 * Builds in-dialog requests of `call` (placeCall() in sbc-lib.ts) for fuzzMessage():
 * request line, Via, Route set, From, To, Call-ID and CSeq (increasing with the index, as
 * RFC 3261 section 12.2.1.1 wants) are kept; the rest is the part to mutate.
 */
export function inDialog(call: DialogCall, caller: string): DialogBuilder {
  return (method, marker, index) => {
    const kept = [
      `${method} ${call.target} SIP/2.0`,
      `Via: SIP/2.0/UDP LOCAL;rport;branch=z9hG4bK${marker}`,
      ...call.routes.map((route) => `Route: ${route}`),
      `From: <sip:${caller}@${DOMAIN}>;tag=${call.fromTag}`,
      `To: ${call.to}`,
      `Call-ID: ${call.callId}`,
      `CSeq: ${100 + index} ${method}`,
      '',
    ].join('\r\n');
    const rest = ['Max-Forwards: 70', `Contact: <sip:${caller}@LOCAL>`, `X-Fuzz: ${marker}`];
    const bodies: Partial<Record<string, [type: string, body: string]>> = {
      INFO: ['application/dtmf-relay', DTMF],
      INVITE: ['application/sdp', SDP],
      MESSAGE: ['text/plain', 'hello'],
    };
    const body = bodies[method];
    return { kept, text: framed(rest, body?.[0], body?.[1]) };
  };
}

/**
 * Sends in-dialog messages one after another from the call's own endpoint (the SBC relays
 * in-dialog requests only from the dialog's endpoints). The reply to a message is the one
 * with the call's Call-ID and the message's CSeq number. A 2xx to a re-INVITE is ACKed.
 */
export async function sendInDialog(
  call: Call<RawEndpoint>,
  caller: string,
  messages: readonly FuzzMessage[],
  { windowMs = 1500 }: { windowMs?: number } = {},
): Promise<FuzzRecord[]> {
  const records: FuzzRecord[] = [];
  for (const message of messages) {
    const cseq = 100 + message.index;
    const mine = (text: string) =>
      text.includes(`Call-ID: ${call.callId}`) && new RegExp(`^CSeq: ${cseq} `, 'm').test(text);
    const start = call.ua.received.length;
    const sentAt = performance.now();
    await call.ua.send(message.text);
    const record: FuzzRecord = { ...message, status: null, latencyMs: null, reply: null };
    const first = await call.ua.waitFor(mine, { timeoutMs: windowMs, start });
    if (first) {
      // (there is one: `first` is its text)
      record.latencyMs = call.ua.received.find((r, i) => i >= start && mine(r.text))!.at - sentAt;
      const final = await call.ua.waitFor((t) => mine(t) && Number(statusOf(t)) >= 200, {
        timeoutMs: Math.max(0, sentAt + windowMs - performance.now()),
        start,
      });
      record.reply = final ?? first;
      record.status = Number(statusOf(record.reply));
      if (message.method === 'INVITE' && record.status >= 200 && record.status < 300) {
        await call.ua.send(
          framed(
            [
              `ACK ${call.target} SIP/2.0`,
              `Via: SIP/2.0/UDP LOCAL;rport;branch=z9hG4bK${message.marker}ack`,
              ...call.routes.map((route) => `Route: ${route}`),
              'Max-Forwards: 70',
              `From: <sip:${caller}@${DOMAIN}>;tag=${call.fromTag}`,
              `To: ${call.to}`,
              `Call-ID: ${call.callId}`,
              `CSeq: ${cseq} ACK`,
            ],
            undefined,
          ),
        );
      }
    }
    records.push(record);
  }
  return records;
}

/** `text` with LOCAL filled in, as bytes, capped at what one datagram / frame can carry. */
export function wire(text: string, local: string, maxBytes = 65_000): Buffer {
  return Buffer.from(text.replaceAll('LOCAL', local), 'latin1').subarray(0, maxBytes);
}

const statusOf = (reply: string): string | undefined => /^SIP\/2\.0 (\d{3})/.exec(reply)?.[1];

/**
 * Sends each message over UDP from its own socket (so a reply can only belong to it) to
 * host:port, at most `rate` messages a second, and waits `windowMs` for a final reply.
 * Resolves with one record per message: status (first final reply, 100 if only a
 * provisional came, null if none), latency of the first reply of any kind (ms).
 */
export async function sendUdp(
  messages: readonly FuzzMessage[],
  {
    host,
    port,
    rate = 250,
    windowMs = 1500,
  }: { host: string; port: number; rate?: number; windowMs?: number },
): Promise<FuzzRecord[]> {
  const started = performance.now();
  return Promise.all(
    messages.map(async (message, i) => {
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      return sendOne(message, host, port, windowMs);
    }),
  );
}

function sendOne(
  message: FuzzMessage,
  host: string,
  port: number,
  windowMs: number,
): Promise<FuzzRecord> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const record: FuzzRecord = { ...message, status: null, latencyMs: null, reply: null };
    let sentAt = 0;
    const finish = () => {
      clearTimeout(timer);
      socket.close();
      resolve(record);
    };
    const timer = setTimeout(finish, windowMs);
    socket.on('error', (error) => {
      clearTimeout(timer);
      socket.close();
      reject(error);
    });
    socket.on('message', (buf) => {
      const reply = buf.toString('latin1');
      const status = statusOf(reply);
      if (!status) return;
      record.latencyMs ??= performance.now() - sentAt;
      record.reply ??= reply;
      if (status === '100') {
        record.status ??= 100;
        return;
      }
      record.status = Number(status);
      record.reply = reply;
      finish();
    });
    socket.bind(0, '127.0.0.1', () => {
      const bytes = wire(message.text, `127.0.0.1:${socket.address().port}`);
      sentAt = performance.now();
      socket.send(bytes, port, host);
    });
  });
}

/**
 * Sends the messages over `connections` WebSockets to the SBC's WSS port, each connection
 * one message at a time: the reply to a message is the next one carrying its marker (or
 * no marker at all, when the mutation destroyed it) within `windowMs`. After a message
 * without a reply, a keepalive OPTIONS tells whether the connection still works; if the
 * SBC closed it, a new one is opened (counted in `reopened`).
 */
/** sendWebSocket()'s records, and how many connections the SBC closed (and were reopened). */
export interface WebSocketLane {
  records: FuzzRecord[];
  reopened: number;
}

export async function sendWebSocket(
  messages: readonly FuzzMessage[],
  {
    connections = 8,
    windowMs = 600,
    origin,
  }: { connections?: number; windowMs?: number; origin: string | null },
): Promise<WebSocketLane> {
  const queues = Array.from({ length: connections }, (_, c) =>
    messages.filter((_, i) => i % connections === c),
  );
  const results = await Promise.all(
    queues.map((queue) => webSocketWorker(queue, windowMs, origin)),
  );
  return {
    records: results.flatMap((r) => r.records),
    reopened: results.reduce((n, r) => n + r.reopened, 0),
  };
}

/** A new WebSocket to the SBC; a handshake that times out on a busy machine is tried again. */
async function openWebSocket(origin: string | null, attempts = 3): Promise<WebSocketClient> {
  for (let attempt = 1; ; attempt++) {
    try {
      const { status, ws } = await websocket(origin);
      if (status !== 101) throw new Error(`WebSocket upgrade refused: ${status}`);
      return ws;
    } catch (error) {
      if (attempt >= attempts) throw error;
    }
  }
}

/** Waits up to `windowMs` for the reply to `marker` on `ws`: { status, latencyMs, reply }. */
async function awaitReply(
  ws: WebSocketClient,
  marker: string,
  sentAt: number,
  windowMs: number,
): Promise<Reply> {
  const result: Reply = { status: null, latencyMs: null, reply: null };
  const deadline = sentAt + windowMs;
  for (;;) {
    const left = deadline - performance.now();
    if (left <= 0) return result;
    let reply: string;
    try {
      reply = await ws.next(left);
    } catch {
      return result; // nothing within the window
    }
    const markers: readonly string[] = reply.match(/fz\d+x\w+?x\d+/g) ?? [];
    if (markers.length && !markers.includes(marker)) continue; // a late reply to an earlier one
    const status = Number(statusOf(reply) ?? 0);
    if (!status) continue;
    result.latencyMs ??= performance.now() - sentAt;
    result.reply = reply;
    result.status = status;
    if (status !== 100) return result;
  }
}

async function webSocketWorker(
  queue: readonly FuzzMessage[],
  windowMs: number,
  origin: string | null,
): Promise<WebSocketLane> {
  const records: FuzzRecord[] = [];
  let ws = await openWebSocket(origin);
  let reopened = 0;
  for (const message of queue) {
    const sentAt = performance.now();
    ws.send(wire(message.text, `fuzz-${message.index}.invalid`, 60_000));
    const record = { ...message, ...(await awaitReply(ws, message.marker, sentAt, windowMs)) };
    records.push(record);
    if (record.status !== null) continue;
    const probe = message.marker.replace(/x\w+?x(\d+)$/, 'xprobex$1');
    ws.send(
      framed(
        [
          `OPTIONS sip:${SBC.host}:${SBC.wssPort} SIP/2.0`,
          `Via: SIP/2.0/WSS fuzz.invalid;branch=z9hG4bK${probe}`,
          'Max-Forwards: 70',
          `From: <sip:probe@${DOMAIN}>;tag=${probe}`,
          `To: <sip:${SBC.host}:${SBC.wssPort}>`,
          `Call-ID: ${probe}`,
          'CSeq: 1 OPTIONS',
        ],
        undefined,
      ),
    );
    const answer = await awaitReply(ws, probe, performance.now(), windowMs);
    if (answer.status !== 200) {
      ws.close();
      ws = await openWebSocket(origin);
      reopened++;
    }
  }
  ws.close();
  return { records, reopened };
}

/** A datagram rawEndpoint() received, also as bytes, with its arrival time (performance.now()). */
export interface RawDatagram extends Datagram {
  bytes: Buffer;
  at: number;
}

/** rawEndpoint(): a SipEndpoint whose texts are latin1 and whose send() also takes bytes. */
export interface RawEndpoint extends SipEndpoint {
  readonly received: readonly RawDatagram[];
  /** Sends a message (LOCAL filled in, as latin1 bytes) or bytes as they are. */
  send(message: string | Buffer, port?: number, host?: string): Promise<void>;
}

/**
 * A UDP endpoint with the interface placeCall() (sbc-lib.ts) expects, whose send() puts the
 * message's bytes on the wire exactly (latin1), so non-UTF-8 mutations stay non-UTF-8.
 * Every datagram is kept with its arrival time in `received`.
 */
export async function rawEndpoint(): Promise<RawEndpoint> {
  const socket = createSocket('udp4');
  const received: RawDatagram[] = [];
  const waiters = new Set<() => void>();
  socket.on('message', (buf, from) => {
    received.push({ text: buf.toString('latin1'), bytes: buf, from, at: performance.now() });
    for (const waiter of [...waiters]) waiter();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', resolve);
  });
  const { port } = socket.address();
  return {
    host: '127.0.0.1',
    port,
    received,
    send(message, toPort = SBC.sipPort, toHost = SBC.host) {
      const bytes = Buffer.isBuffer(message) ? message : wire(message, `127.0.0.1:${port}`);
      return new Promise((resolve) => socket.send(bytes, toPort, toHost, () => resolve()));
    },
    /** The first item from `start` on whose text matches, or null after timeoutMs. */
    waitFor(match, { timeoutMs = 3000, start = 0 } = {}) {
      return new Promise((resolve) => {
        let index = start;
        const check = () => {
          for (; index < received.length; index++) {
            if (match(received[index].text)) return finish(received[index].text);
          }
        };
        const timer = setTimeout(() => finish(null), timeoutMs);
        const finish = (value: string | null) => {
          clearTimeout(timer);
          waiters.delete(check);
          resolve(value);
        };
        waiters.add(check);
        check();
      });
    },
    close() {
      socket.close();
    },
  };
}

/** Sorted-sample percentile (nearest rank). */
export function percentile(values: readonly number[], p: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** tally()'s counts (latencies in ms, null without any reply). */
export interface Tally {
  sent: number;
  ok2xx: number;
  rejected4xx: number;
  /** Final replies that are neither 2xx nor 4xx. */
  other: number;
  /** Only a 100 Trying came. */
  provisionalOnly: number;
  /** Nothing came. */
  dropped: number;
  maxLatencyMs: number | null;
  p99LatencyMs: number | null;
}

/** Counts of one lane's records: sent, by status class, dropped, latency max and p99. */
export function tally(records: readonly Reply[]): Tally {
  const latencies = records.map((r) => r.latencyMs).filter((v) => v !== null);
  const count = (test: (r: Reply) => boolean) => records.filter(test).length;
  return {
    sent: records.length,
    ok2xx: count((r) => r.status !== null && r.status >= 200 && r.status < 300),
    rejected4xx: count((r) => r.status !== null && r.status >= 400 && r.status < 500),
    other: count(
      (r) =>
        r.status !== null &&
        r.status !== 100 &&
        (r.status < 200 || r.status >= 300) &&
        (r.status < 400 || r.status >= 500),
    ),
    provisionalOnly: count((r) => r.status === 100),
    dropped: count((r) => r.status === null),
    maxLatencyMs: latencies.length ? Math.max(...latencies) : null,
    p99LatencyMs: percentile(latencies, 99),
  };
}

/** One message, shortened and escaped for an assertion message. */
export function describe(record: FuzzRecord): string {
  const shown =
    record.text.length > 600
      ? `${record.text.slice(0, 600)}… (${record.text.length} bytes)`
      : record.text;
  return `lane ${record.lane} #${record.index} (${record.method}, ${record.mutations.join('+')}): status ${record.status}\n${JSON.stringify(shown)}\nreply: ${JSON.stringify(record.reply?.slice(0, 300) ?? null)}`;
}

export { SBC };
