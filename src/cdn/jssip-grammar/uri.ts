/**
 * Hosts and URIs: SIP-URI and its parts (RFC 3261 19.1.1 and 25.1, with JsSIP's relaxed
 * hostname), the IPv6 forms of RFC 3261 25.1 (from RFC 2373), and absoluteURI (RFC 2396
 * section 3, as RFC 3261 25.1 imports it), for the WebSocket URL and a non-SIP Request-URI.
 */
import type { Cursor } from './cursor.js';
import {
  escaped,
  escapedRun,
  isAlpha,
  isAlphanum,
  isDigit,
  isHexdig,
  isReserved,
  isUnreserved,
  literalOrToken,
  oneOf,
  token,
  upToDigits,
} from './lexical.js';
import { method } from './method.js';

/** dec-octet as JsSIP orders its alternatives (so "256" matches as "2" "5" "6"). */
const isZeroToFive = oneOf('012345');
const isZeroToFour = oneOf('01234');
const isOneToNine = oneOf('123456789');

function decOctet(c: Cursor): boolean {
  return (
    c.seq(() => c.literal('25') && c.char(isZeroToFive)) ||
    c.seq(() => c.literal('2') && c.char(isZeroToFour) && c.char(isDigit)) ||
    c.seq(() => c.literal('1') && c.char(isDigit) && c.char(isDigit)) ||
    c.seq(() => c.char(isOneToNine) && c.char(isDigit)) ||
    c.char(isDigit)
  );
}

/** IPv4address = dec-octet "." dec-octet "." dec-octet "." dec-octet */
export function ipv4Address(c: Cursor): string | null {
  const start = c.pos;
  const matched = c.seq(
    () =>
      decOctet(c) &&
      c.literal('.') &&
      decOctet(c) &&
      c.literal('.') &&
      decOctet(c) &&
      c.literal('.') &&
      decOctet(c),
  );
  if (!matched) return null;
  c.data.host_type = 'IPv4';
  return c.since(start);
}

/** hex4 = 1*4HEXDIG (JsSIP's h16) */
function h16(c: Cursor): boolean {
  if (!c.char(isHexdig)) return false;
  for (let i = 0; i < 3 && c.char(isHexdig); i++);
  return true;
}

/** ls32 = ( h16 ":" h16 ) / IPv4address */
function ls32(c: Cursor): boolean {
  return c.seq(() => h16(c) && c.literal(':') && h16(c)) || ipv4Address(c) !== null;
}

/**
 * The forms of IPv6address, in JsSIP's order: `h16`, `ls32`, `:` and `::` literals, and
 * `:h16?` for an optional ":" h16 (greedy, never given back, as in a PEG).
 */
const IPV6_FORMS: readonly (readonly string[])[] = [
  'h16 : h16 : h16 : h16 : h16 : h16 : ls32',
  ':: h16 : h16 : h16 : h16 : h16 : ls32',
  ':: h16 : h16 : h16 : h16 : ls32',
  ':: h16 : h16 : h16 : ls32',
  ':: h16 : h16 : ls32',
  ':: h16 : ls32',
  ':: ls32',
  ':: h16',
  'h16 :: h16 : h16 : h16 : h16 : ls32',
  'h16 :h16? :: h16 : h16 : h16 : ls32',
  'h16 :h16? :h16? :: h16 : h16 : ls32',
  'h16 :h16? :h16? :h16? :: h16 : ls32',
  'h16 :h16? :h16? :h16? :h16? :: ls32',
  'h16 :h16? :h16? :h16? :h16? :h16? :: h16',
  'h16 :h16? :h16? :h16? :h16? :h16? :h16? ::',
].map((form) => form.split(' '));

function ipv6Step(c: Cursor, step: string): boolean {
  switch (step) {
    case 'h16':
      return h16(c);
    case 'ls32':
      return ls32(c);
    case ':h16?':
      c.seq(() => c.literal(':') && h16(c));
      return true;
    default:
      return c.literal(step);
  }
}

/** IPv6address (RFC 3261 25.1): the first form that matches. */
export function ipv6Address(c: Cursor): string | null {
  const start = c.pos;
  const matched = IPV6_FORMS.some((form) => c.seq(() => form.every((step) => ipv6Step(c, step))));
  if (!matched) return null;
  c.data.host_type = 'IPv6';
  return c.since(start);
}

/** IPv6reference = "[" IPv6address "]" */
export function ipv6Reference(c: Cursor): string | null {
  const start = c.pos;
  if (!c.seq(() => c.literal('[') && ipv6Address(c) !== null && c.literal(']'))) return null;
  c.data.host_type = 'IPv6';
  return c.since(start);
}

const isLabelChar = (code: number) => isAlphanum(code) || code === 0x2d || code === 0x5f;

/** A label: its first character, then alphanum, "-" or "_" (JsSIP relaxes RFC 3261's). */
function label(c: Cursor, first: (code: number) => boolean): boolean {
  if (!c.char(first)) return false;
  c.many(() => c.char(isLabelChar));
  return true;
}

/** hostname = *( domainlabel "." ) toplabel [ "." ] */
export function hostname(c: Cursor): string | null {
  const start = c.pos;
  const matched = c.seq(() => {
    c.many(() => c.seq(() => label(c, isAlphanum) && c.literal('.')));
    if (!label(c, isAlpha)) return false;
    c.literal('.');
    return true;
  });
  if (!matched) return null;
  c.data.host_type = 'domain';
  return c.since(start);
}

/** host = hostname / IPv4address / IPv6reference, lowercased into data.host */
export function host(c: Cursor): string | null {
  const start = c.pos;
  if (hostname(c) === null && ipv4Address(c) === null && ipv6Reference(c) === null) return null;
  const value = c.since(start).toLowerCase();
  c.data.host = value;
  return value;
}

/** port = *5DIGIT into data.port (NaN when there is none, as JsSIP's parseInt gives). */
function port(c: Cursor): void {
  c.data.port = Number.parseInt(upToDigits(c, 5), 10);
}

/** hostport = host [ ":" port ] */
export function hostport(c: Cursor): boolean {
  if (host(c) === null) return false;
  if (c.literal(':')) port(c);
  return true;
}

/** uri-scheme of a SIP URI: "sips" / "sip", lowercased into data.scheme */
function sipScheme(c: Cursor): boolean {
  const scheme = c.literalI('sips') ?? c.literalI('sip');
  if (scheme === null) return false;
  c.data.scheme = scheme.toLowerCase();
  return true;
}

const isUserUnreserved = oneOf('&=+$,;?/');
const isUserChar = (code: number) => isUnreserved(code) || isUserUnreserved(code);
const isPasswordMark = oneOf('&=+$,');
const isPasswordChar = (code: number) => isUnreserved(code) || isPasswordMark(code);

/**
 * userinfo = user [ ":" password ] "@". JsSIP keeps the user with its password, decoded
 * (decodeURIComponent throws on an escape that is not UTF-8, out of the parse, as JsSIP's).
 */
function userinfo(c: Cursor): boolean {
  const start = c.pos;
  const matched = c.seq(() => {
    if (escapedRun(c, isUserChar) === 0) return false;
    c.seq(() => {
      if (!c.literal(':')) return false;
      const passwordStart = c.pos;
      escapedRun(c, isPasswordChar);
      c.data.password = c.since(passwordStart);
      return true;
    });
    return c.literal('@');
  });
  if (matched) c.data.user = decodeURIComponent(c.input.slice(start, c.pos - 1));
  return matched;
}

/** A map of uri_params (or params) in data, created on first use. */
export function bagOf(c: Cursor, key: string): Record<string, unknown> {
  const existing = c.data[key];
  if (typeof existing === 'object' && existing !== null) return existing as Record<string, unknown>;
  const created: Record<string, unknown> = {};
  c.data[key] = created;
  return created;
}

/** `"name="i value`: the value rule's result after the case-insensitive name, or null. */
function named<T>(c: Cursor, name: string, value: () => T | null): T | null {
  const start = c.pos;
  if (c.literalI(name) === null) return null;
  const result = value();
  if (result === null) c.pos = start;
  return result;
}

/** ttl = 1*3DIGIT */
export function ttl(c: Cursor): number | null {
  const start = c.pos;
  if (!c.char(isDigit)) return null;
  upToDigits(c, 2);
  return Number.parseInt(c.since(start), 10);
}

const isParamUnreserved = oneOf('[]/:&+$');
const isParamChar = (code: number) => isParamUnreserved(code) || isUnreserved(code);

/** pname / pvalue = 1*paramchar */
function paramchars(c: Cursor): string | null {
  const start = c.pos;
  return escapedRun(c, isParamChar) > 0 ? c.since(start) : null;
}

/** The uri-parameter alternatives of RFC 3261 25.1, in JsSIP's order. */
function uriParameter(c: Cursor): boolean {
  const transport = named(c, 'transport=', () => literalOrToken(c, ['udp', 'tcp', 'sctp', 'tls']));
  if (transport !== null) {
    bagOf(c, 'uri_params').transport = transport.toLowerCase();
    return true;
  }
  const user = named(c, 'user=', () => literalOrToken(c, ['phone', 'ip']));
  if (user !== null) {
    bagOf(c, 'uri_params').user = user.toLowerCase();
    return true;
  }
  const methodName = named(c, 'method=', () => method(c));
  if (methodName !== null) {
    bagOf(c, 'uri_params').method = methodName;
    return true;
  }
  const ttlValue = named(c, 'ttl=', () => ttl(c));
  if (ttlValue !== null) {
    // JsSIP's grammar files ttl under data.params, not uri_params.
    bagOf(c, 'params').ttl = ttlValue;
    return true;
  }
  const maddr = named(c, 'maddr=', () => host(c));
  if (maddr !== null) {
    // host() wrote data.host too: JsSIP's URI then takes the maddr as its host.
    bagOf(c, 'uri_params').maddr = maddr;
    return true;
  }
  if (c.literalI('lr') !== null) {
    c.seq(() => c.literal('=') && token(c) !== null);
    bagOf(c, 'uri_params').lr = undefined;
    return true;
  }
  return otherParam(c);
}

/** other-param = pname [ "=" pvalue ] */
function otherParam(c: Cursor): boolean {
  const name = paramchars(c);
  if (name === null) return false;
  let value: string | undefined;
  c.seq(() => {
    if (!c.literal('=')) return false;
    value = paramchars(c) ?? undefined;
    return value !== undefined;
  });
  bagOf(c, 'uri_params')[name.toLowerCase()] = value;
  return true;
}

/** uri-parameters = *( ";" uri-parameter ) */
function uriParameters(c: Cursor): void {
  c.many(() => c.seq(() => c.literal(';') && uriParameter(c)));
}

const isHnvUnreserved = oneOf('[]/?:+$');
const isHeaderChar = (code: number) => isHnvUnreserved(code) || isUnreserved(code);

/** header = hname "=" hvalue, collected per lowercased name into data.uri_headers */
function uriHeader(c: Cursor): boolean {
  const start = c.pos;
  return c.seq(() => {
    if (escapedRun(c, isHeaderChar) === 0) return false;
    const name = c.since(start).toLowerCase();
    if (!c.literal('=')) return false;
    const valueStart = c.pos;
    escapedRun(c, isHeaderChar);
    const value = c.since(valueStart);
    const headers = bagOf(c, 'uri_headers') as Record<string, string[] | undefined>;
    const values = headers[name];
    if (values) values.push(value);
    else headers[name] = [value];
    return true;
  });
}

/** headers = "?" header *( "&" header ) */
function uriHeaders(c: Cursor): void {
  c.seq(() => {
    if (!c.literal('?') || !uriHeader(c)) return false;
    c.many(() => c.seq(() => c.literal('&') && uriHeader(c)));
    return true;
  });
}

/** Deletes the fields a URI was built from, as JsSIP's actions do. */
function clearUriParts(c: Cursor): void {
  for (const key of ['scheme', 'user', 'host', 'host_type', 'port']) delete c.data[key];
}

/**
 * SIP-URI without parameters or headers (JsSIP's addr-spec in From, To, Contact and
 * Refer-To: their ";params" belong to the header) into data.uri.
 */
export function sipUriNoParams(c: Cursor): boolean {
  const matched = c.seq(
    () => sipScheme(c) && c.literal(':') && (userinfo(c) || true) && hostport(c),
  );
  if (!matched) return false;
  const { scheme, user, host: hostName, port: portNumber } = c.data;
  c.data.uri = new c.classes.URI(scheme, user, hostName, portNumber);
  clearUriParts(c);
  return true;
}

/** SIP-URI = sip(s) ":" [ userinfo ] hostport uri-parameters [ headers ], into data.uri */
export function sipUri(c: Cursor): boolean {
  const matched = c.seq(() => {
    if (!(sipScheme(c) && c.literal(':') && (userinfo(c) || true) && hostport(c))) return false;
    uriParameters(c);
    uriHeaders(c);
    return true;
  });
  if (!matched) return false;
  const { scheme, user, host: hostName, port: portNumber, uri_params, uri_headers } = c.data;
  c.data.uri = new c.classes.URI(scheme, user, hostName, portNumber, uri_params, uri_headers);
  clearUriParts(c);
  delete c.data.uri_params;
  return true;
}

// absoluteURI (RFC 2396 3, imported by RFC 3261 25.1)

const isUricNoSlashMark = oneOf(';?:@&=+$,');
const isUricNoSlash = (code: number) => isUnreserved(code) || isUricNoSlashMark(code);
const isUric = (code: number) => isReserved(code) || isUnreserved(code);
const isPcharMark = oneOf(':@&=+$,');
const isPchar = (code: number) => isUnreserved(code) || isPcharMark(code);
const isSchemeMark = oneOf('+-.');
const isSchemeChar = (code: number) => isAlpha(code) || isDigit(code) || isSchemeMark(code);

/** scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) into data.scheme */
function scheme(c: Cursor): boolean {
  const start = c.pos;
  if (!c.char(isAlpha)) return false;
  c.many(() => c.char(isSchemeChar));
  c.data.scheme = c.since(start);
  return true;
}

/** segment = *pchar *( ";" param ); path-segments = segment *( "/" segment ) */
function pathSegments(c: Cursor): void {
  const segment = () => {
    escapedRun(c, isPchar);
    c.many(() => c.literal(';') && (escapedRun(c, isPchar) >= 0 || true));
    return true;
  };
  segment();
  c.many(() => c.seq(() => c.literal('/') && segment()));
}

/** abs-path = "/" path-segments */
export function absPath(c: Cursor): boolean {
  if (!c.literal('/')) return false;
  pathSegments(c);
  return true;
}

/**
 * net-path = "//" authority [ abs-path ]. JsSIP's srvr, `[ [ userinfo "@" ] hostport ]`,
 * always matches (userinfo has its own "@"), so its reg-name alternative is never tried.
 */
function netPath(c: Cursor): boolean {
  return c.seq(() => {
    if (!c.literal('//')) return false;
    c.seq(() => {
      c.seq(() => userinfo(c) && c.literal('@'));
      return hostport(c);
    });
    absPath(c);
    return true;
  });
}

/** hier-part = ( net-path / abs-path ) [ "?" query ] */
function hierPart(c: Cursor): boolean {
  if (!netPath(c) && !absPath(c)) return false;
  if (c.literal('?')) escapedRun(c, isUric);
  return true;
}

/** opaque-part = uric-no-slash *uric */
function opaquePart(c: Cursor): boolean {
  if (!(c.char(isUricNoSlash) || escaped(c))) return false;
  escapedRun(c, isUric);
  return true;
}

/** absoluteURI = scheme ":" ( hier-part / opaque-part ) */
export function absoluteUri(c: Cursor): boolean {
  return c.seq(() => scheme(c) && c.literal(':') && (hierPart(c) || opaquePart(c)));
}
