/** Who a call or a transfer goes to: a user part of our domain, or a whole SIP URI. */

/** A call target's user part: digits, names, the characters RFC 3261's `user` allows. */
const TARGET_USER = /^[a-z0-9_.!~*'()&=+$,;?/%-]+$/i;

/** The SIP URI for `target` (`'ivr'`, `'agent2'` or `sip:user@host`), or undefined. */
export function targetUri(target: unknown, domain: string): string | undefined {
  if (typeof target !== 'string') return undefined;
  const trimmed = target.trim();
  if (/^sips?:[^@\s]+@[^@\s]+$/i.test(trimmed)) return trimmed;
  if (TARGET_USER.test(trimmed)) return `sip:${trimmed}@${domain}`;
  return undefined;
}
