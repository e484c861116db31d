import { parseNameAddr, parseSipUri } from '../sip/message.js';

/**
 * What an agent's phone shows for a caller the server rings it for (the queue, a transfer):
 * the display name of the caller's From, else their user (e.g. visitor-1a2b), else "Caller".
 */
export function callerName(from: string): string {
  // The linear parsers, not ad-hoc regexes: the From header is the caller's text.
  const nameAddr = parseNameAddr(from);
  const displayName = nameAddr?.display.trim();
  const user = nameAddr ? parseSipUri(nameAddr.uri)?.user : undefined;
  return displayName || user || 'Caller';
}
