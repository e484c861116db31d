/**
 * The basic rules of RFC 3261 section 25.1 (and RFC 5234 appendix B.1's core rules) as
 * JsSIP's grammar spells them: character sets, linear white space, tokens, separators
 * with optional white space around them, quoted strings.
 */
import type { CodeTest, Cursor } from './cursor.js';

/** A test for membership of a fixed set of characters. */
export function oneOf(chars: string): CodeTest {
  const codes = new Set<number>();
  for (let i = 0; i < chars.length; i++) codes.add(chars.charCodeAt(i));
  return (code) => codes.has(code);
}

const inRange = (code: number, low: number, high: number) => code >= low && code <= high;
export const isDigit: CodeTest = (code) => inRange(code, 0x30, 0x39);
export const isAlpha: CodeTest = (code) => inRange(code, 0x41, 0x5a) || inRange(code, 0x61, 0x7a);
export const isAlphanum: CodeTest = (code) => isDigit(code) || isAlpha(code);
export const isHexdig: CodeTest = (code) =>
  isDigit(code) || inRange(code, 0x41, 0x46) || inRange(code, 0x61, 0x66);
const isWsp = oneOf(' \t');
/** UTF8-NONASCII as JsSIP has it: any UTF-16 code unit from U+0080. */
export const isNonAscii: CodeTest = (code) => code >= 0x80;

const isMark = oneOf("-_.!~*'()");
/** unreserved = alphanum / mark */
export const isUnreserved: CodeTest = (code) => isAlphanum(code) || isMark(code);
/** reserved = ";" / "/" / "?" / ":" / "@" / "&" / "=" / "+" / "$" / "," */
export const isReserved = oneOf(';/?:@&=+$,');

const isTokenMark = oneOf("-.!%*_+`'~");
const isTokenChar: CodeTest = (code) => isAlphanum(code) || isTokenMark(code);
const isTokenNoDotChar: CodeTest = (code) => code !== 0x2e && isTokenChar(code);
const isWordMark = oneOf('()<>:\\"/[]?{}');
const isWordChar: CodeTest = (code) => isTokenChar(code) || isWordMark(code);

/** Several characters that `test` accepts: the slice, or null if there is none. */
export function run(c: Cursor, test: CodeTest): string | null {
  const start = c.pos;
  return c.many(() => c.char(test)) > 0 ? c.since(start) : null;
}

/** escaped = "%" HEXDIG HEXDIG */
export function escaped(c: Cursor): boolean {
  if (c.code() !== 0x25 || !isHexdig(c.code(1)) || !isHexdig(c.code(2))) return false;
  c.pos += 3;
  return true;
}

/** `( set / escaped )*`: characters of a set or escapes; how many. */
export function escapedRun(c: Cursor, test: CodeTest): number {
  return c.many(() => c.char(test) || escaped(c));
}

/** token (RFC 3261 25.1) */
export const token = (c: Cursor) => run(c, isTokenChar);
/** token without "." (JsSIP's event-package, RFC 6665 8.4) */
export const tokenNoDot = (c: Cursor) => run(c, isTokenNoDotChar);
/** word (RFC 3261 25.1), which Call-ID is made of */
export const word = (c: Cursor) => run(c, isWordChar);

/** One of case-insensitive literals (e.g. "udp"i / "tcp"i), else a token: the match, or null. */
export function literalOrToken(c: Cursor, literals: readonly string[]): string | null {
  for (const literal of literals) {
    const matched = c.literalI(literal);
    if (matched !== null) return matched;
  }
  return token(c);
}

/** DIGIT+, or null */
export const digits = (c: Cursor) => run(c, isDigit);

/** Up to `max` digits (JsSIP's `DIGIT? DIGIT? ...`): possibly none. */
export function upToDigits(c: Cursor, max: number): string {
  const start = c.pos;
  for (let i = 0; i < max && c.char(isDigit); i++);
  return c.since(start);
}

/** LWS = [*WSP CRLF] 1*WSP (RFC 3261 25.1) */
export function lws(c: Cursor): boolean {
  return c.seq(() => {
    c.seq(() => {
      c.many(() => c.char(isWsp));
      return c.literal('\r\n');
    });
    return c.many(() => c.char(isWsp)) > 0;
  });
}

/** SWS = [LWS]: always matches. */
export function sws(c: Cursor): true {
  lws(c);
  return true;
}

/** A separator with SWS on both sides: STAR, SLASH, EQUAL, COMMA, SEMI, COLON (RFC 3261 25.1). */
export function around(c: Cursor, separator: string): boolean {
  return c.seq(() => sws(c) && c.literal(separator) && sws(c));
}
export const semi = (c: Cursor) => around(c, ';');
export const comma = (c: Cursor) => around(c, ',');
export const equal = (c: Cursor) => around(c, '=');
/** LAQUOT = SWS "<" */
export const laquot = (c: Cursor) => c.seq(() => sws(c) && c.literal('<'));
/** RAQUOT = ">" SWS */
export const raquot = (c: Cursor) => c.seq(() => c.literal('>') && sws(c));
/** LDQUOT = SWS DQUOTE */
export const ldquot = (c: Cursor) => c.seq(() => sws(c) && c.literal('"'));
/** RDQUOT = DQUOTE SWS */
export const rdquot = (c: Cursor) => c.seq(() => c.literal('"') && sws(c));

/** qdtext = LWS / %x21 / %x23-5B / %x5D-7E / UTF8-NONASCII */
const isQdtextChar: CodeTest = (code) =>
  code === 0x21 || inRange(code, 0x23, 0x5b) || inRange(code, 0x5d, 0x7e) || isNonAscii(code);
/** quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F) */
const isQuotable: CodeTest = (code) =>
  inRange(code, 0x00, 0x09) || inRange(code, 0x0b, 0x0c) || inRange(code, 0x0e, 0x7f);

function quotedPair(c: Cursor): boolean {
  return c.seq(() => c.literal('\\') && c.char(isQuotable));
}

/** quoted-string = SWS DQUOTE *(qdtext / quoted-pair) DQUOTE: the slice, leading SWS included. */
export function quotedString(c: Cursor): string | null {
  const start = c.pos;
  const matched = c.seq(() => {
    sws(c);
    if (!c.literal('"')) return false;
    c.many(() => lws(c) || c.char(isQdtextChar) || quotedPair(c));
    return c.literal('"');
  });
  return matched ? c.since(start) : null;
}

/** A quoted-string's content: trimmed, outer quotes removed, quoted-pairs unescaped. */
export function quotedStringClean(c: Cursor): string | null {
  const quoted = quotedString(c);
  if (quoted === null) return null;
  return unescapeQuotedPairs(quoted.trim().slice(1, -1));
}

/** Each quoted-pair replaced by the character it quotes, left to right (JsSIP's replace). */
function unescapeQuotedPairs(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const next = text.charCodeAt(i + 1);
    if (text[i] === '\\' && i + 1 < text.length && isQuotable(next)) {
      out += text[i + 1];
      i++;
    } else {
      out += text[i];
    }
  }
  return out;
}
