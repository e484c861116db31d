/**
 * The stand-in's work stays linear in its input, whatever the input: long, nested,
 * repeated, unterminated. Work is the number of characters the parser examined
 * (Cursor.work), not time. And an input over the cap is refused without being read.
 */
import { NameAddrHeader, URI } from 'jssip';
import { describe, expect, it } from 'vitest';
import { type JsSipClasses, MAX_INPUT_LENGTH, parse, parseCounted } from './parse.js';

const classes = { URI, NameAddrHeader } as unknown as JsSipClasses;

/**
 * Characters examined per input character, at most. Each rule looks at a character a
 * bounded number of times (a few alternatives fail over the same parameter, a separator's
 * white space is read by SWS before and after it); the worst measured is about 21.
 */
const WORK_PER_CHARACTER = 25;

/** Adversarial inputs by rule: `make(n)` repeats a piece about n times. */
const PATHOLOGICAL: Record<string, [rule: string, make: (n: number) => string]> = {
  'addr-specs without a user': ['Contact', (n) => 'sip:a,'.repeat(n)],
  'name-addrs with params': ['Contact', (n) => `${'<sip:a@b>;q=0.1, '.repeat(n)}<sip:x>`],
  'display-name tokens, no URI': ['Contact', (n) => 'a '.repeat(n)],
  'white space, then garbage': ['Contact', (n) => `${' '.repeat(n)}x`],
  'a quote never closed': ['From', (n) => `"${'a'.repeat(n)}`],
  'quoted pairs never closed': ['From', (n) => `"${'\\"'.repeat(n)}`],
  'folded lines in a quote': ['From', (n) => `"${' \r\n '.repeat(n)}`],
  'a long user': ['From', (n) => `<sip:${'a'.repeat(n)}>`],
  'colons in a user': ['From', (n) => `sip:${'a:'.repeat(n)}`],
  'nested angle brackets': ['From', (n) => `${'<'.repeat(n)}sip:a@b${'>'.repeat(n)}`],
  'broken escapes': ['From', (n) => `<sip:${'%4'.repeat(n)}>`],
  'an IPv6 reference that never ends': ['From', (n) => `<sip:[${'1:'.repeat(n)}]>`],
  'a user that never reaches "@"': ['Request_Response', (n) => `INVITE sip:${'a;'.repeat(n)}`],
  'a long reason phrase of bare %': ['Request_Response', (n) => `SIP/2.0 200 ${'%'.repeat(n)}`],
  'many Via params': ['Via', (n) => `SIP/2.0/UDP h${';x=1'.repeat(n)}`],
  'many Via entries': ['Via', (n) => 'SIP/2.0/UDP h, '.repeat(n)],
  'many realms': ['WWW_Authenticate', (n) => `Digest ${'realm="x", '.repeat(n)}`],
  'a domain list never closed': ['WWW_Authenticate', (n) => `Digest domain="${'sip:a '.repeat(n)}`],
  'many route entries': ['Record_Route', (n) => '<sip:h;lr>,'.repeat(n)],
  'many URI headers': ['SIP_URI', (n) => `sip:a@b?${'h=v&'.repeat(n)}`],
  'many path segments': ['absoluteURI', (n) => `wss://h${'/a;b'.repeat(n)}`],
  'many host labels': ['host', (n) => `${'a.'.repeat(n)}1`],
  'many numeric labels': ['host', (n) => '1.'.repeat(n)],
  'many event templates': ['Event', (n) => 'a.'.repeat(n)],
};

describe('the grammar stand-in’s work', () => {
  for (const [name, [rule, make]] of Object.entries(PATHOLOGICAL)) {
    it(`stays linear: ${name} (${rule})`, () => {
      for (const size of [100, 1_000, MAX_INPUT_LENGTH]) {
        const input = make(size).slice(0, size);
        const { work } = parseCounted(input, rule, classes);
        expect(work, `${size} characters`).toBeLessThanOrEqual(WORK_PER_CHARACTER * input.length);
      }
    });
  }

  it('refuses an input over the cap without reading it, as an invalid one', () => {
    const contact = '<sip:a@b>, '.repeat(MAX_INPUT_LENGTH / 10).slice(0, MAX_INPUT_LENGTH + 1);
    expect(parseCounted(contact, 'Contact', classes)).toEqual({ result: -1, work: 0 });
    const atCap = `<sip:${'a'.repeat(MAX_INPUT_LENGTH - 10)}@b>`;
    expect(parse(atCap, 'From', classes)).not.toBe(-1);
  });
});
