/** The start line of a SIP message: Request-Line / Status-Line (RFC 3261 7.1, 7.2, 25.1). */
import type { Cursor } from './cursor.js';
import {
  digits,
  escaped,
  isDigit,
  isNonAscii,
  isReserved,
  isUnreserved,
  oneOf,
} from './lexical.js';
import { method } from './method.js';
import { absoluteUri, sipUri } from './uri.js';

/** SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT, into data.sip_version */
function sipVersion(c: Cursor): boolean {
  const start = c.pos;
  const matched = c.seq(
    () =>
      c.literalI('sip') !== null &&
      c.literal('/') &&
      digits(c) !== null &&
      c.literal('.') &&
      digits(c) !== null,
  );
  if (matched) c.data.sip_version = c.since(start);
  return matched;
}

const isSpaceOrTab = oneOf(' \t');
/** Reason-Phrase characters (reserved / unreserved / UTF8-NONASCII / UTF8-CONT / SP / HTAB) */
const isReasonChar = (code: number) =>
  isReserved(code) || isUnreserved(code) || isNonAscii(code) || isSpaceOrTab(code);

/** Status-Line = SIP-Version SP Status-Code SP Reason-Phrase, into data */
export function statusLine(c: Cursor): boolean {
  return c.seq(() => {
    if (!(sipVersion(c) && c.literal(' '))) return false;
    const codeStart = c.pos;
    if (!(c.char(isDigit) && c.char(isDigit) && c.char(isDigit))) return false;
    c.data.status_code = Number.parseInt(c.since(codeStart), 10);
    if (!c.literal(' ')) return false;
    const reasonStart = c.pos;
    c.many(() => c.char(isReasonChar) || escaped(c));
    c.data.reason_phrase = c.since(reasonStart);
    return true;
  });
}

/** Request-Line = Method SP Request-URI SP SIP-Version; Request-URI = SIP-URI / absoluteURI */
function requestLine(c: Cursor): boolean {
  return c.seq(
    () =>
      method(c) !== null &&
      c.literal(' ') &&
      (sipUri(c) || absoluteUri(c)) &&
      c.literal(' ') &&
      sipVersion(c),
  );
}

/** Request_Response: a response's status line, else a request line. */
export function requestResponse(c: Cursor): boolean {
  return statusLine(c) || requestLine(c);
}
