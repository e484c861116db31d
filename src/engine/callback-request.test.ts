import { describe, expect, it } from 'vitest';
import { checkCallbackRequest } from './callback-request';
import { parsePhoneNumber } from './phone-number';

describe('parsePhoneNumber', () => {
  it.each([
    ['+34 600 123 456', '+34600123456'],
    ['+34-600-123-456', '+34600123456'],
    ['  +1 (555) 010.0000 ', '+15550100000'],
    ['+441234567890', '+441234567890'],
  ])('%s → %s', (typed, number) => {
    expect(parsePhoneNumber(typed)).toEqual({ ok: true, number });
  });

  it.each([
    ['600 123 456', 'no + and country code'],
    ['+0 600 123 456', 'a country code never starts with 0'],
    ['+34 6OO 123 456', 'letters'],
    ['+3460', 'too short'],
    ['+1234567890123456', 'more than 15 digits'],
    ['+34 600 123 456;ext=1', 'anything else'],
    ['', 'empty'],
    [`+34${' '.repeat(40)}1`, 'over 40 characters'],
  ])('refuses %o (%s)', (typed) => {
    const result = parsePhoneNumber(typed);
    expect(result.ok).toBe(false);
  });

  it('refuses what is not text, and says what a number looks like', () => {
    expect(parsePhoneNumber(34600123456)).toEqual({
      ok: false,
      message: 'a phone number must be text of at most 40 characters',
    });
    const wrong = parsePhoneNumber('600');
    expect(wrong.ok || wrong.message).toMatch(/start with \+ and the country code.*got '600'/);
  });
});

describe('checkCallbackRequest', () => {
  const good = { number: '+34 600 123 456', target: 'ivr', reason: 'microphone-denied' };

  it('accepts the contract, with the number canonical and the context optional', () => {
    expect(checkCallbackRequest(good)).toEqual({
      ok: true,
      request: { number: '+34600123456', target: 'ivr', reason: 'microphone-denied' },
    });
    expect(checkCallbackRequest({ ...good, context: { orderId: 'A-17' } })).toEqual({
      ok: true,
      request: {
        number: '+34600123456',
        target: 'ivr',
        reason: 'microphone-denied',
        context: { orderId: 'A-17' },
      },
    });
  });

  it.each([
    [null, /JSON object/],
    [[good], /JSON object/],
    [{ ...good, admin: true }, /unknown field 'admin'/],
    [{ ...good, number: '600123456' }, /number/],
    [{ ...good, target: 'ivr@evil.example' }, /target/],
    [{ ...good, target: '' }, /target/],
    [{ ...good, reason: 'bored' }, /reason must be one of microphone-denied/],
    [{ ...good, context: { orderId: 17 } }, /context values must be text/],
    [{ ...good, context: 'A-17' }, /context must be an object/],
  ])('refuses %o', (body, message) => {
    const result = checkCallbackRequest(body);
    expect(result.ok).toBe(false);
    expect(result.ok || result.message).toMatch(message);
  });
});
