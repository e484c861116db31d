/**
 * What JsSIP hands its grammar when a message arrives: the start line, and each header's
 * value under the rule JsSIP's Parser (node_modules/jssip/lib/Parser.js, parseHeader)
 * chooses by the header's name. Split as that Parser splits (a line that starts with
 * white space continues the header before it).
 */

/** Header names (lowercase, compact forms included) and the grammar rule JsSIP parses them with. */
export const RULE_OF_HEADER: Readonly<Record<string, string>> = {
  via: 'Via',
  v: 'Via',
  from: 'From',
  f: 'From',
  to: 'To',
  t: 'To',
  'record-route': 'Record_Route',
  'call-id': 'Call_ID',
  i: 'Call_ID',
  contact: 'Contact',
  m: 'Contact',
  'content-length': 'Content_Length',
  l: 'Content_Length',
  'content-type': 'Content_Type',
  c: 'Content_Type',
  cseq: 'CSeq',
  'max-forwards': 'Max_Forwards',
  'www-authenticate': 'WWW_Authenticate',
  'proxy-authenticate': 'Proxy_Authenticate',
  'session-expires': 'Session_Expires',
  x: 'Session_Expires',
  'refer-to': 'Refer_To',
  r: 'Refer_To',
  replaces: 'Replaces',
  event: 'Event',
  o: 'Event',
};

export interface GrammarInput {
  rule: string;
  input: string;
}

/** The start line and every parsed header of one message, as (rule, input) pairs. */
export function grammarInputs(message: string): GrammarInput[] {
  const head = message.split('\r\n\r\n', 1)[0] ?? '';
  const lines = head.split('\r\n');
  const inputs: GrammarInput[] = [{ rule: 'Request_Response', input: lines[0] ?? '' }];
  const headers: string[] = [];
  for (const line of lines.slice(1)) {
    const last = headers.length - 1;
    if (/^[ \t]/.test(line) && last >= 0) headers[last] += `\r\n${line}`;
    else headers.push(line);
  }
  for (const header of headers) {
    const colon = header.indexOf(':');
    const rule = RULE_OF_HEADER[header.slice(0, colon).trim().toLowerCase()];
    if (colon > 0 && rule) inputs.push({ rule, input: header.slice(colon + 1).trim() });
  }
  return inputs;
}
