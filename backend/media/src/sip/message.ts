/** SIP message model, parser and serializer (RFC 3261 section 7, UDP only). */

export interface SipHeader {
  name: string;
  value: string;
}

interface SipBase {
  headers: SipHeader[];
  body: Buffer;
}

export interface SipRequest extends SipBase {
  kind: 'request';
  method: string;
  uri: string;
}

export interface SipResponse extends SipBase {
  kind: 'response';
  status: number;
  reason: string;
}

export type SipMessage = SipRequest | SipResponse;

/** The message could not be parsed far enough to answer it: drop and log. */
export class SipParseError extends Error {
  override name = 'SipParseError';
}

const COMPACT_FORMS: Record<string, string> = {
  i: 'call-id',
  m: 'contact',
  f: 'from',
  t: 'to',
  v: 'via',
  l: 'content-length',
  c: 'content-type',
  k: 'supported',
  s: 'subject',
  e: 'content-encoding',
  o: 'event',
  r: 'refer-to',
  x: 'session-expires',
  u: 'allow-events',
};

/** Canonical spelling used when serializing; lookups are by lower-case name. */
const CANONICAL_NAMES: Record<string, string> = {
  'call-id': 'Call-ID',
  cseq: 'CSeq',
  'www-authenticate': 'WWW-Authenticate',
  'min-se': 'Min-SE',
};

export function canonicalHeaderName(name: string): string {
  const lower = name.toLowerCase();
  const full = COMPACT_FORMS[lower] ?? lower;
  return (
    CANONICAL_NAMES[full] ??
    full.replace(/(^|-)([a-z])/g, (_m, dash: string, ch: string) => dash + ch.toUpperCase())
  );
}

const TOKEN = /^[A-Za-z0-9.!%*_+`'~-]+$/;
const REQUEST_LINE = /^([A-Za-z0-9.!%*_+`'~-]+) (\S+) SIP\/2\.0$/;
const STATUS_LINE = /^SIP\/2\.0 ([1-6]\d\d) ?(.*)$/s;
/**
 * A bare CR, NUL or other control character has no place in a SIP header (RFC 3261 §25.1
 * allows only HTAB besides printable text). Refusing them up front also means no `.` in a
 * later regex can stop short of the end of a value and backtrack.
 */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) return true;
  }
  return false;
}

/**
 * Size limits for one datagram. The SBC's INVITEs (rtpengine's plain RTP SDP, a few Via and
 * Record-Route entries) stay around 2 KB; anything past these limits is refused unread so a
 * crafted message cannot buy parsing time that every call's RTP pays for.
 */
export const MAX_MESSAGE_BYTES = 8 * 1024;
export const MAX_HEADER_LINE_BYTES = 2 * 1024;
export const MAX_HEADER_LINES = 100;

export interface ParseLimits {
  messageBytes: number;
  headerLineBytes: number;
  headerLines: number;
}

export const DEFAULT_LIMITS: ParseLimits = {
  messageBytes: MAX_MESSAGE_BYTES,
  headerLineBytes: MAX_HEADER_LINE_BYTES,
  headerLines: MAX_HEADER_LINES,
};

export function parseSipMessage(data: Buffer, limits: ParseLimits = DEFAULT_LIMITS): SipMessage {
  if (data.length > limits.messageBytes) {
    throw new SipParseError(`message of ${data.length} bytes exceeds ${limits.messageBytes}`);
  }
  const { head, body: rawBody } = splitHeadAndBody(data);
  const lines = unfold(head.split(/\r?\n/));
  if (lines.length > limits.headerLines + 1) {
    throw new SipParseError(`more than ${limits.headerLines} header lines`);
  }
  const startLine = lines.shift();
  if (startLine === undefined || startLine === '') throw new SipParseError('empty message');
  if (hasControlCharacter(startLine)) throw new SipParseError('control character in start line');
  const headers = lines.map((line) => parseHeaderLine(line, limits.headerLineBytes));
  const body = trimToContentLength(headers, rawBody);
  const request = REQUEST_LINE.exec(startLine);
  if (request) {
    return { kind: 'request', method: request[1]!.toUpperCase(), uri: request[2]!, headers, body };
  }
  const status = STATUS_LINE.exec(startLine);
  if (status) {
    return { kind: 'response', status: Number(status[1]), reason: status[2]!, headers, body };
  }
  throw new SipParseError(`bad start line: ${JSON.stringify(startLine.slice(0, 80))}`);
}

/** Over UDP, bytes past Content-Length are not part of the message (RFC 3261 18.3). */
function trimToContentLength(headers: SipHeader[], body: Buffer): Buffer {
  const declared = headers.find((h) => h.name === 'content-length')?.value;
  if (declared === undefined || !/^\d+$/.test(declared)) return body;
  return Number(declared) < body.length ? body.subarray(0, Number(declared)) : body;
}

function splitHeadAndBody(data: Buffer): { head: string; body: Buffer } {
  let end = data.indexOf('\r\n\r\n');
  let separatorLength = 4;
  if (end < 0) {
    end = data.indexOf('\n\n');
    separatorLength = 2;
  }
  if (end < 0) {
    // A UDP datagram without an empty line is a message with no body that lost its CRLF.
    return { head: data.toString('utf8').trimEnd(), body: Buffer.alloc(0) };
  }
  return {
    head: data.subarray(0, end).toString('utf8'),
    body: data.subarray(end + separatorLength),
  };
}

function unfold(lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && out.length > 0) {
      out[out.length - 1] = `${out[out.length - 1]} ${line.trim()}`;
    } else {
      out.push(line);
    }
  }
  return out;
}

function parseHeaderLine(line: string, maxBytes: number): SipHeader {
  if (line.length > maxBytes) {
    throw new SipParseError(`header line longer than ${maxBytes} bytes`);
  }
  if (hasControlCharacter(line)) throw new SipParseError('control character in header');
  const colon = line.indexOf(':');
  if (colon <= 0) throw new SipParseError(`bad header line: ${JSON.stringify(line.slice(0, 80))}`);
  const rawName = line.slice(0, colon).trim();
  if (!TOKEN.test(rawName)) throw new SipParseError(`bad header name: ${JSON.stringify(rawName)}`);
  const lower = rawName.toLowerCase();
  return { name: COMPACT_FORMS[lower] ?? lower, value: line.slice(colon + 1).trim() };
}

export function getHeader(message: { headers: SipHeader[] }, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return message.headers.find((h) => h.name === wanted)?.value;
}

/** All values of a header, splitting comma-separated lists (Via, Route, Record-Route...). */
export function getHeaderValues(message: { headers: SipHeader[] }, name: string): string[] {
  const wanted = name.toLowerCase();
  return message.headers.filter((h) => h.name === wanted).flatMap((h) => splitList(h.value));
}

/** Splits a header list on commas that are outside quotes and angle brackets. */
export function splitList(value: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '\\' && quoted) i++;
    else if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '<') depth++;
    else if (!quoted && ch === '>') depth--;
    else if (!quoted && depth === 0 && ch === ',') {
      items.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  items.push(value.slice(start).trim());
  return items.filter((item) => item !== '');
}

export function serializeSipMessage(message: SipMessage): Buffer {
  const startLine =
    message.kind === 'request'
      ? `${message.method} ${message.uri} SIP/2.0`
      : `SIP/2.0 ${message.status} ${message.reason}`;
  const lines = [startLine];
  for (const header of message.headers) {
    if (header.name === 'content-length') continue;
    lines.push(`${canonicalHeaderName(header.name)}: ${header.value}`);
  }
  lines.push(`Content-Length: ${message.body.length}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8');
  return message.body.length > 0 ? Buffer.concat([head, message.body]) : head;
}

export interface CSeq {
  seq: number;
  method: string;
}

export function parseCSeq(value: string | undefined): CSeq | undefined {
  const match = /^(\d{1,10})\s+([A-Za-z]+)$/.exec(value ?? '');
  if (!match) return undefined;
  const seq = Number(match[1]);
  if (seq > 2 ** 31 - 1) return undefined;
  return { seq, method: match[2]!.toUpperCase() };
}

/**
 * Checks what a request needs before a transaction or dialog can use it.
 * Returns the reason for a 400, or undefined when the request is usable.
 */
export function findRequestProblem(request: SipRequest): string | undefined {
  for (const name of ['via', 'from', 'to', 'call-id', 'cseq']) {
    if (!getHeader(request, name)) return `Missing ${canonicalHeaderName(name)}`;
  }
  const cseq = parseCSeq(getHeader(request, 'cseq'));
  if (!cseq) return 'Bad CSeq';
  if (cseq.method !== request.method) return 'CSeq method does not match';
  if (!parseVia(getHeaderValues(request, 'via')[0] ?? '')) return 'Bad Via';
  if (!parseNameAddr(getHeader(request, 'from') ?? '')) return 'Bad From';
  if (!parseNameAddr(getHeader(request, 'to') ?? '')) return 'Bad To';
  if (!/^sips?:/i.test(request.uri) && !/^tel:/i.test(request.uri)) return 'Bad Request-URI';
  const maxForwards = getHeader(request, 'max-forwards');
  if (maxForwards !== undefined && !/^\d{1,3}$/.test(maxForwards)) return 'Bad Max-Forwards';
  const contentLength = getHeader(request, 'content-length');
  if (contentLength !== undefined) {
    if (!/^\d+$/.test(contentLength)) return 'Bad Content-Length';
    if (Number(contentLength) > request.body.length) return 'Content-Length larger than body';
  }
  return undefined;
}

export interface Via {
  transport: string;
  host: string;
  port: number | undefined;
  params: Map<string, string>;
}

export function parseVia(value: string): Via | undefined {
  const match =
    /^SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z]+)\s+([^\s;:]+|\[[^\]]+\])(?::(\d+))?\s*(.*)$/is.exec(value);
  if (!match) return undefined;
  return {
    transport: match[1]!.toUpperCase(),
    host: match[2]!,
    port: match[3] ? Number(match[3]) : undefined,
    params: parseParams(match[4]!),
  };
}

export function parseParams(text: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const part of text.split(';')) {
    const trimmed = part.trim();
    if (!trimmed) continue;
    const eq = trimmed.indexOf('=');
    if (eq < 0) params.set(trimmed.toLowerCase(), '');
    else params.set(trimmed.slice(0, eq).trim().toLowerCase(), trimmed.slice(eq + 1).trim());
  }
  return params;
}

export interface NameAddr {
  display: string;
  uri: string;
  params: Map<string, string>;
}

/**
 * Parses `"Name" <sip:u@h;uriparam>;tag=x` and the bare `sip:u@h;tag=x` form, in one pass
 * over the value: a header is attacker-controlled, and a backtracking regex here once took
 * seconds on 60 KB of spaces (every call's RTP waits while the one thread parses).
 */
export function parseNameAddr(value: string): NameAddr | undefined {
  const open = indexOutsideQuotes(value, '<');
  if (open >= 0) {
    const close = value.indexOf('>', open + 1);
    if (close < 0 || close === open + 1) return undefined;
    return {
      display: stripQuotes(value.slice(0, open).trim()),
      uri: value.slice(open + 1, close),
      params: parseParams(value.slice(close + 1)),
    };
  }
  const text = value.trim();
  let end = 0;
  while (end < text.length && text[end] !== ';' && !isWhitespace(text[end]!)) end++;
  const uri = text.slice(0, end);
  if (uri === '' || !uri.includes(':')) return undefined;
  return { display: '', uri, params: parseParams(text.slice(end)) };
}

/** Position of `wanted` outside double-quoted strings (with backslash escapes), or -1. */
function indexOutsideQuotes(value: string, wanted: string): number {
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (quoted && ch === '\\') i++;
    else if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === wanted) return i;
  }
  return -1;
}

function stripQuotes(text: string): string {
  const start = text.startsWith('"') ? 1 : 0;
  const end = text.length > start && text.endsWith('"') ? text.length - 1 : text.length;
  return text.slice(start, end);
}

function isWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t';
}

export interface SipUri {
  user: string | undefined;
  host: string;
  port: number | undefined;
  params: Map<string, string>;
}

export function parseSipUri(uri: string): SipUri | undefined {
  const match = /^sips?:(?:([^@;]+)@)?([^;:?]+|\[[^\]]+\])(?::(\d+))?([^?]*)/i.exec(uri);
  if (!match) return undefined;
  return {
    user: match[1] ? decodeOrKeep(match[1].split(':')[0]!) : undefined,
    host: match[2]!,
    port: match[3] ? Number(match[3]) : undefined,
    params: parseParams(match[4]!),
  };
}

/**
 * Percent-decoding that never throws: `%zz` in a Contact once threw from inside the RTP
 * timeout's BYE and took the process (and every call on it) down. A broken escape is kept
 * as written; it then matches no service and routes nowhere.
 */
function decodeOrKeep(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function tagOf(headerValue: string | undefined): string | undefined {
  if (!headerValue) return undefined;
  return parseNameAddr(headerValue)?.params.get('tag') || undefined;
}
