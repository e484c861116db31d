/** Header parameters: generic-param (RFC 3261 25.1) and the `name EQUAL value` shape. */
import type { Cursor } from './cursor.js';
import { equal, quotedString, semi, token } from './lexical.js';
import { bagOf, host } from './uri.js';

/**
 * `"name"i EQUAL value`: the value rule's result after a case-insensitive name and an
 * EQUAL, or null (back where it started).
 */
export function keyEqual<T>(c: Cursor, lowerName: string, value: () => T | null): T | null {
  const start = c.pos;
  if (c.literalI(lowerName) === null || !equal(c)) {
    c.pos = start;
    return null;
  }
  const result = value();
  if (result === null) c.pos = start;
  return result;
}

/** gen-value = token / host / quoted-string (a quoted one keeps its quotes) */
function genValue(c: Cursor): string | null {
  return token(c) ?? host(c) ?? quotedString(c);
}

/** generic-param = token [ EQUAL gen-value ], into data.params under the lowercased name */
export function genericParam(c: Cursor): boolean {
  const name = token(c);
  if (name === null) return false;
  let value: string | undefined;
  c.seq(() => {
    if (!equal(c)) return false;
    value = genValue(c) ?? undefined;
    return value !== undefined;
  });
  bagOf(c, 'params')[name.toLowerCase()] = value;
  return true;
}

/** *( SEMI param ) */
export function semiParams(c: Cursor, param: () => boolean): void {
  c.many(() => c.seq(() => semi(c) && param()));
}
