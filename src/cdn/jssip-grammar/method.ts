/** Method (RFC 3261 25.1), as JsSIP's grammar matches it. */
import type { Cursor } from './cursor.js';
import { token } from './lexical.js';

/** The methods RFC 3261 and RFC 6665 / RFC 3515 name, tried before extension-method. */
const KNOWN_METHODS = [
  'INVITE',
  'ACK',
  'OPTIONS',
  'BYE',
  'CANCEL',
  'REGISTER',
  'SUBSCRIBE',
  'NOTIFY',
  'REFER',
];

/**
 * Method = INVITEm / ... / extension-method (a token), into data.method. A known method is
 * taken as it is even when more token characters follow ("INVITEX" gives "INVITE"): the
 * rule after it then fails, as with JsSIP's grammar.
 */
export function method(c: Cursor): string | null {
  const start = c.pos;
  const matched = KNOWN_METHODS.some((name) => c.literal(name)) || token(c) !== null;
  if (!matched) return null;
  const name = c.since(start);
  c.data.method = name;
  return name;
}
