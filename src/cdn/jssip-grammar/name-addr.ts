/**
 * Headers whose value is a name-addr or an addr-spec with parameters (RFC 3261 20.10
 * Contact, 20.20 From, 20.30 Record-Route, 20.39 To; RFC 3515 2.1 Refer-To) and JsSIP's
 * Name_Addr_Header. Each builds JsSIP's NameAddrHeader from data.uri, data.display_name
 * and data.params, as its grammar's actions do.
 */
import type { Cursor } from './cursor.js';
import {
  comma,
  digits,
  laquot,
  lws,
  quotedStringClean,
  raquot,
  sws,
  token,
  upToDigits,
} from './lexical.js';
import { genericParam, keyEqual, semiParams } from './params.js';
import { bagOf, sipUri, sipUriNoParams } from './uri.js';

/**
 * display-name = *(token LWS) / quoted-string, as RFC 3261 erratum 5598 corrects it
 * (https://www.rfc-editor.org/errata/eid5598): tokens joined by one space, or the quoted
 * string's content.
 */
function displayName(c: Cursor): boolean {
  const first = token(c);
  if (first !== null) {
    let name = first;
    c.many(() =>
      c.seq(() => {
        if (!lws(c)) return false;
        const next = token(c);
        if (next !== null) name += ` ${next}`;
        return next !== null;
      }),
    );
    c.data.display_name = name;
    return true;
  }
  const quoted = quotedStringClean(c);
  if (quoted === null) return false;
  c.data.display_name = quoted;
  return true;
}

/** name-addr = [ display-name ] LAQUOT addr-spec RAQUOT; JsSIP's Name_Addr_Header allows several display names. */
function nameAddr(c: Cursor, displayNames: 'one' | 'many'): boolean {
  return c.seq(() => {
    if (displayNames === 'one') displayName(c);
    else c.many(() => displayName(c));
    return laquot(c) && sipUri(c) && raquot(c);
  });
}

/** ( addr-spec / name-addr ) */
function addrSpecOrNameAddr(c: Cursor): boolean {
  return sipUriNoParams(c) || nameAddr(c, 'one');
}

/** JsSIP's NameAddrHeader from what the rule left in data. */
function nameAddrHeader(c: Cursor) {
  const { uri, display_name, params } = c.data;
  return new c.classes.NameAddrHeader(uri, display_name, params);
}

/** tag-param = "tag" EQUAL token, into data.tag (set on the header after the others) */
function tagParam(c: Cursor): boolean {
  const tag = keyEqual(c, 'tag', () => token(c));
  if (tag === null) return false;
  c.data.tag = tag;
  return true;
}

/** From and To: ( name-addr / addr-spec ) *( SEMI ( tag-param / generic-param ) ) */
export function fromOrTo(c: Cursor): unknown {
  if (!addrSpecOrNameAddr(c)) return null;
  semiParams(c, () => tagParam(c) || genericParam(c));
  const tag = c.data.tag;
  const header = nameAddrHeader(c);
  if (tag) header.setParam('tag', tag);
  return header;
}

/** Refer-To = ( name-addr / addr-spec ) *( SEMI generic-param ) */
export function referTo(c: Cursor): unknown {
  if (!addrSpecOrNameAddr(c)) return null;
  semiParams(c, () => genericParam(c));
  return nameAddrHeader(c);
}

/** JsSIP's Name_Addr_Header: *display-name LAQUOT SIP-URI RAQUOT *( SEMI generic-param ) */
export function nameAddrWithParams(c: Cursor): unknown {
  if (!nameAddr(c, 'many')) return null;
  semiParams(c, () => genericParam(c));
  return nameAddrHeader(c);
}

/** c-p-q = "q" EQUAL qvalue; qvalue = "0" [ "." 0*3DIGIT ] (RFC 3261 20.10; "1" is a generic param here) */
function contactQ(c: Cursor): boolean {
  const q = keyEqual(c, 'q', () => {
    const start = c.pos;
    if (!c.literal('0')) return null;
    if (c.literal('.')) upToDigits(c, 3);
    return Number.parseFloat(c.since(start));
  });
  if (q === null) return false;
  bagOf(c, 'params').q = q;
  return true;
}

/** c-p-expires = "expires" EQUAL delta-seconds */
function contactExpires(c: Cursor): boolean {
  const expires = keyEqual(c, 'expires', () => digits(c));
  if (expires === null) return false;
  bagOf(c, 'params').expires = Number.parseInt(expires, 10);
  return true;
}

/**
 * One entry of a list header: the header built from data (whose uri, display_name and
 * params are then cleared for the next entry) and where it is in the value. `possition`
 * (sic) is its end and `offset` its start, as JsSIP's Parser reads them.
 */
function listEntry(c: Cursor, start: number) {
  const parsed = nameAddrHeader(c);
  delete c.data.uri;
  delete c.data.display_name;
  delete c.data.params;
  return { possition: c.pos, offset: start, parsed };
}

/** `entry *( COMMA entry )`: the entries, or null. */
function commaList(c: Cursor, entry: () => boolean): unknown[] | null {
  const entries: unknown[] = [];
  const one = () => {
    const start = c.pos;
    if (!entry()) return false;
    entries.push(listEntry(c, start));
    return true;
  };
  if (!one()) return null;
  c.many(() => c.seq(() => comma(c) && one()));
  return entries;
}

/**
 * Contact = STAR / contact-param *( COMMA contact-param ) (RFC 3261 20.10). JsSIP's action
 * reads the entries of a "*" that are not there and throws a TypeError: so does this.
 */
export function contact(c: Cursor): unknown {
  if (c.seq(() => sws(c) && c.literal('*') && sws(c))) {
    throw new TypeError("Cannot read properties of undefined (reading 'length')");
  }
  return commaList(c, () => {
    if (!addrSpecOrNameAddr(c)) return false;
    semiParams(c, () => contactQ(c) || contactExpires(c) || genericParam(c));
    return true;
  });
}

/** Record-Route = rec-route *( COMMA rec-route ); rec-route = name-addr *( SEMI rr-param ) */
export function recordRoute(c: Cursor): unknown {
  return commaList(c, () => {
    if (!nameAddr(c, 'one')) return false;
    semiParams(c, () => genericParam(c));
    return true;
  });
}
