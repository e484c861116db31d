/**
 * The single-valued headers JsSIP parses (RFC 3261 20: Via, CSeq, Call-ID, Content-Length,
 * Content-Type, Max-Forwards, WWW-/Proxy-Authenticate; RFC 4028 4 Session-Expires; RFC 3891
 * 6.1 Replaces; RFC 6665 8.2.1 Event) and the uuid of RFC 5626's +sip.instance.
 */
import type { Cursor } from './cursor.js';
import {
  around,
  comma,
  digits,
  isHexdig,
  ldquot,
  literalOrToken,
  lws,
  quotedString,
  quotedStringClean,
  rdquot,
  token,
  tokenNoDot,
  upToDigits,
  word,
} from './lexical.js';
import { method } from './method.js';
import { genericParam, keyEqual, semiParams } from './params.js';
import {
  absoluteUri,
  absPath,
  host,
  hostname,
  ipv4Address,
  ipv6Address,
  ipv6Reference,
  ttl,
} from './uri.js';

// Via (RFC 3261 20.42)

/** sent-protocol = protocol-name SLASH protocol-version SLASH transport */
function sentProtocol(c: Cursor): boolean {
  return c.seq(() => {
    const protocol = literalOrToken(c, ['sip']);
    if (protocol === null) return false;
    c.data.protocol = protocol;
    if (!around(c, '/') || token(c) === null || !around(c, '/')) return false;
    const transport = literalOrToken(c, ['udp', 'tcp', 'tls', 'sctp']);
    if (transport === null) return false;
    c.data.transport = transport;
    return true;
  });
}

/** sent-by = host [ COLON port ], into data.host (as written) and data.port */
function sentBy(c: Cursor): boolean {
  const start = c.pos;
  if (ipv4Address(c) === null && ipv6Reference(c) === null && hostname(c) === null) return false;
  c.data.host = c.since(start);
  if (around(c, ':')) c.data.port = Number.parseInt(upToDigits(c, 5), 10);
  return true;
}

/** via-ttl, via-maddr, via-received, via-branch: `name EQUAL value` into data[name], in this order. */
const VIA_FIELDS: readonly (readonly [name: string, value: (c: Cursor) => unknown])[] = [
  ['ttl', ttl],
  ['maddr', host],
  ['received', (c) => ipv4Address(c) ?? ipv6Address(c)],
  ['branch', token],
];

/** via-params = via-ttl / via-maddr / via-received / via-branch / response-port / via-extension */
function viaParam(c: Cursor): boolean {
  for (const [name, value] of VIA_FIELDS) {
    const matched = keyEqual(c, name, () => value(c));
    if (matched !== null) {
      c.data[name] = matched;
      return true;
    }
  }
  if (c.literalI('rport') !== null) {
    if (around(c, '=')) c.data.rport = Number.parseInt(upToDigits(c, 5), 10);
    return true;
  }
  return genericParam(c);
}

/** Via = via-parm *( COMMA via-parm ); via-parm = sent-protocol LWS sent-by *( SEMI via-params ) */
export function via(c: Cursor): boolean {
  const viaParm = () =>
    c.seq(() => {
      if (!(sentProtocol(c) && lws(c) && sentBy(c))) return false;
      semiParams(c, () => viaParam(c));
      return true;
    });
  if (!viaParm()) return false;
  c.many(() => c.seq(() => comma(c) && viaParm()));
  return true;
}

// CSeq, Call-ID, lengths (RFC 3261 20.16, 20.8, 20.14, 20.22)

/** CSeq = 1*DIGIT LWS Method, into data.value and data.method */
export function cseq(c: Cursor): boolean {
  return c.seq(() => {
    const value = digits(c);
    if (value === null) return false;
    c.data.value = Number.parseInt(value, 10);
    return lws(c) && method(c) !== null;
  });
}

/** Call-ID = word [ "@" word ]: the whole value. */
export function callId(c: Cursor): string | null {
  const start = c.pos;
  if (word(c) === null) return null;
  c.seq(() => c.literal('@') && word(c) !== null);
  return c.since(start);
}

/** 1*DIGIT as a number (Content-Length, Max-Forwards). */
export function number(c: Cursor): number | null {
  const value = digits(c);
  return value === null ? null : Number.parseInt(value, 10);
}

// Content-Type (RFC 3261 20.15)

/**
 * media-type = m-type SLASH m-subtype *( SEMI m-parameter ): the whole value. A discrete
 * type is taken as it is even when token characters follow ("textual/plain" fails), as
 * with JsSIP's grammar; any other type is a token.
 */
export function contentType(c: Cursor): string | null {
  const start = c.pos;
  const mParameter = () =>
    c.seq(() => token(c) !== null && around(c, '=') && (token(c) ?? quotedString(c)) !== null);
  const matched = c.seq(() => {
    if (literalOrToken(c, ['text', 'image', 'audio', 'video', 'application']) === null) {
      return false;
    }
    if (!around(c, '/') || token(c) === null) return false;
    semiParams(c, mParameter);
    return true;
  });
  return matched ? c.since(start) : null;
}

// WWW-Authenticate and Proxy-Authenticate (RFC 3261 20.44, 20.27, 25.1 challenge)

/** `"name"i EQUAL quoted-string`, its content into data[field] */
function quotedField(c: Cursor, name: string, field: string): boolean {
  const value = keyEqual(c, name, () => quotedStringClean(c));
  if (value === null) return false;
  c.data[field] = value;
  return true;
}

/** domain = "domain" EQUAL LDQUOT URI *( 1*SP URI ) RDQUOT; URI = absoluteURI / abs-path */
function domain(c: Cursor): boolean {
  const uri = () => absoluteUri(c) || absPath(c);
  return (
    keyEqual(c, 'domain', () => {
      if (!(ldquot(c) && uri())) return null;
      c.many(() => c.seq(() => c.many(() => c.literal(' ')) > 0 && uri()));
      return rdquot(c) ? true : null;
    }) !== null
  );
}

/** stale = "stale" EQUAL ( "true" / "false" ) */
function stale(c: Cursor): boolean {
  const value = keyEqual(c, 'stale', () => c.literalI('true') ?? c.literalI('false'));
  if (value === null) return false;
  c.data.stale = value.toLowerCase() === 'true';
  return true;
}

/** algorithm = "algorithm" EQUAL ( "MD5" / "MD5-sess" / token ): "MD5-sess" stops at "MD5" as in JsSIP. */
function algorithm(c: Cursor): boolean {
  const value = keyEqual(c, 'algorithm', () => literalOrToken(c, ['md5', 'md5-sess']));
  if (value === null) return false;
  c.data.algorithm = value.toUpperCase();
  return true;
}

/** qop-options = "qop" EQUAL LDQUOT qop-value *( "," qop-value ) RDQUOT, into data.qop */
function qopOptions(c: Cursor): boolean {
  const qopValue = () => {
    const value = literalOrToken(c, ['auth-int', 'auth']);
    if (value === null) return false;
    if (!Array.isArray(c.data.qop)) c.data.qop = [];
    (c.data.qop as string[]).push(value.toLowerCase());
    return true;
  };
  return (
    keyEqual(c, 'qop', () => {
      if (!(ldquot(c) && qopValue())) return null;
      c.many(() => c.seq(() => c.literal(',') && qopValue()));
      return rdquot(c) ? true : null;
    }) !== null
  );
}

/** auth-param = auth-param-name EQUAL ( token / quoted-string ), read by nobody */
function authParam(c: Cursor): boolean {
  return c.seq(() => token(c) !== null && around(c, '=') && (token(c) ?? quotedString(c)) !== null);
}

/** digest-cln, in JsSIP's order of alternatives */
function digestCln(c: Cursor): boolean {
  return (
    quotedField(c, 'realm', 'realm') ||
    domain(c) ||
    quotedField(c, 'nonce', 'nonce') ||
    quotedField(c, 'opaque', 'opaque') ||
    stale(c) ||
    algorithm(c) ||
    qopOptions(c) ||
    authParam(c)
  );
}

/** challenge = ( "Digest" LWS digest-cln *( COMMA digest-cln ) ) / other-challenge */
export function challenge(c: Cursor): boolean {
  const list = (first: () => boolean, item: () => boolean) =>
    c.seq(() => {
      if (!(first() && lws(c) && item())) return false;
      c.many(() => c.seq(() => comma(c) && item()));
      return true;
    });
  return (
    list(
      () => c.literalI('digest') !== null,
      () => digestCln(c),
    ) ||
    list(
      () => token(c) !== null,
      () => authParam(c),
    )
  );
}

// Session-Expires (RFC 4028 4), Replaces (RFC 3891 6.1), Event (RFC 6665 8.2.1)

/** Session-Expires = delta-seconds *( SEMI ( se-refresher / generic-param ) ) */
export function sessionExpires(c: Cursor): boolean {
  const expires = digits(c);
  if (expires === null) return false;
  c.data.expires = Number.parseInt(expires, 10);
  semiParams(c, () => {
    const refresher = keyEqual(c, 'refresher', () => c.literalI('uac') ?? c.literalI('uas'));
    if (refresher === null) return genericParam(c);
    c.data.refresher = refresher.toLowerCase();
    return true;
  });
  return true;
}

/** `"name" EQUAL token` (case-sensitive name, as JsSIP's Replaces has them) into data[field] */
function tokenField(c: Cursor, name: string, field: string): boolean {
  const start = c.pos;
  const value = c.literal(name) && around(c, '=') ? token(c) : null;
  if (value === null) {
    c.pos = start;
    return false;
  }
  c.data[field] = value;
  return true;
}

/** Replaces = callid *( SEMI ( to-tag / from-tag / early-flag / generic-param ) ) */
export function replaces(c: Cursor): boolean {
  const id = callId(c);
  if (id === null) return false;
  c.data.call_id = id;
  semiParams(c, () => {
    if (tokenField(c, 'to-tag', 'to_tag') || tokenField(c, 'from-tag', 'from_tag')) return true;
    if (c.literal('early-only')) {
      c.data.early_only = true;
      return true;
    }
    return genericParam(c);
  });
  return true;
}

/**
 * Event = event-type *( SEMI generic-param ); event-type = event-package *( "." event-template ).
 * JsSIP joins the parts as JavaScript prints nested arrays: "refer.x" gives "refer.,x".
 */
export function event(c: Cursor): boolean {
  const eventPackage = tokenNoDot(c);
  if (eventPackage === null) return false;
  const templates: string[] = [];
  c.many(() =>
    c.seq(() => {
      if (!c.literal('.')) return false;
      const template = tokenNoDot(c);
      if (template !== null) templates.push(`.,${template}`);
      return template !== null;
    }),
  );
  semiParams(c, () => genericParam(c));
  c.data.event = (eventPackage + templates.join(',')).toLowerCase();
  return true;
}

/** uuid = 8HEXDIG "-" 4HEXDIG "-" 4HEXDIG "-" 4HEXDIG "-" 12HEXDIG (RFC 4122 3) */
export function uuid(c: Cursor): boolean {
  const hex = (count: number) => {
    for (let i = 0; i < count; i++) if (!c.char(isHexdig)) return false;
    return true;
  };
  return c.seq(
    () =>
      hex(8) &&
      c.literal('-') &&
      hex(4) &&
      c.literal('-') &&
      hex(4) &&
      c.literal('-') &&
      hex(4) &&
      c.literal('-') &&
      hex(12),
  );
}
