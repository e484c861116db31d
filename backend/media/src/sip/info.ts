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
  for (let start = 0; start < body.length; ) {
    const newline = body.indexOf('\n', start);
    const end = newline < 0 ? body.length : newline;
    const value = signalValue(body, start, end);
    if (value !== undefined) return asDigit(value);
    start = end + 1;
  }
  return undefined;
}

/** The first character after `Signal =` when body[start, end) is that line, else undefined. */
function signalValue(body: string, start: number, end: number): string | undefined {
  let i = skipBlanks(body, start, end);
  // Most lines are not it: compare the first letter before building any string.
  if ((body.charCodeAt(i) | 0x20) !== 0x73 || body.slice(i, i + 6).toLowerCase() !== 'signal') {
    return undefined;
  }
  i = skipBlanks(body, i + 6, end);
  if (body[i] !== '=') return undefined;
  i = skipBlanks(body, i + 1, end);
  return i < end ? body.charAt(i) : '';
}

function skipBlanks(text: string, from: number, end: number): number {
  let i = from;
  while (i < end && (text[i] === ' ' || text[i] === '\t' || text[i] === '\r')) i++;
  return i;
}

function asDigit(text: string): InfoDigit {
  return DIGIT.test(text) ? { digit: text.toUpperCase() } : undefined;
}
