/**
 * The digit carried by a SIP INFO body: `application/dtmf-relay` (`Signal=5` on its own
 * line, `Duration=160` beside it) or `application/dtmf` (just `5`). Read line by line in
 * one pass: a multiline regex with `^\s*` here once took seconds on a body of blank lines.
 */
const DIGIT = /^[0-9*#A-D]$/i;

export type InfoDigit = { digit: string } | { unsupported: true } | undefined;

export function infoDigit(contentType: string, body: string): InfoDigit {
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  if (type === 'application/dtmf') return asDigit(body.trim());
  if (type !== 'application/dtmf-relay') return body.length > 0 ? { unsupported: true } : undefined;
  for (const line of body.split('\n')) {
    const eq = line.indexOf('=');
    if (eq < 0 || line.slice(0, eq).trim().toLowerCase() !== 'signal') continue;
    return asDigit(
      line
        .slice(eq + 1)
        .trim()
        .charAt(0),
    );
  }
  return undefined;
}

function asDigit(text: string): InfoDigit {
  return DIGIT.test(text) ? { digit: text.toUpperCase() } : undefined;
}
