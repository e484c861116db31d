/**
 * URLs as the widget may show them in messages, logs and events: without the query string,
 * the fragment or user:password@, which can carry secrets (an agent key, a session token)
 * that must not end up in consoles, error reports or the customer's analytics.
 */

/** `https://user:pw@host/path?key=x#y` → `https://host/path`. Any text is accepted. */
export function redactUrl(url: string): string {
  const cut = url.search(/[?#]/);
  const base = cut === -1 ? url : url.slice(0, cut);
  return base.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

/** Headers that carry credentials (RFC 3261 §20.7, §20.28), wherever a line starts with one. */
const AUTHORIZATION_LINE = /^([ \t]*(?:proxy-)?authorization[ \t]*:)[^\r\n]*/gim;
/**
 * `password=…`, `"password": "…"` and the like, in text such as a logged object (JsSIP's
 * own "password: NOT SHOWN" is left as it is).
 */
const SECRET_ASSIGNMENT =
  /(["']?\b(?:password|passwd|ha1|authorization_jwt|credential|authorization)["']?[ \t]*[:=][ \t]*)(?!NOT SHOWN)("[^"]*"|'[^']*'|[^\s,;&}\]]+)/gi;
/** A web URL inside free text (a SIP URI has no `//` and keeps its parameters). */
const URL_IN_TEXT = /\b(?:https?|wss?):\/\/[^\s"'<>`]+/gi;
/** Keys whose values are secrets in a logged object: passwords, TURN and SIP credentials. */
const SECRET_KEY = /^(password|passwd|ha1|authorization_jwt|credential|(proxy-)?authorization)$/i;
/** How deep a logged object is searched; deeper values are left out. */
const MAX_DEPTH = 4;

export const REDACTED = '[redacted]';

/**
 * Free text as it may be logged (a SIP message, an error message): without credential
 * values, `Authorization` / `Proxy-Authorization` header values, and URL queries.
 */
export function redactText(text: string): string {
  return text
    .replace(SECRET_ASSIGNMENT, `$1${REDACTED}`)
    .replace(AUTHORIZATION_LINE, `$1 ${REDACTED}`)
    .replace(URL_IN_TEXT, redactUrl);
}

/**
 * A value as it may be logged: strings and error messages through {@link redactText},
 * secret keys of plain objects (a credentials object's `password`, an ICE server's
 * `credential`) masked. Class instances other than errors are kept as they are.
 */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value instanceof Error) {
    const message = redactText(value.message);
    if (message === value.message) return value;
    const copy = new Error(message);
    copy.name = value.name;
    return copy;
  }
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH) return '[…]';
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      SECRET_KEY.test(key) ? REDACTED : redactValue(item, depth + 1),
    ]),
  );
}
