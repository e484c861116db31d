/**
 * A phone number a visitor or a page gives for a fallback (`fallback-tel`, the call-back
 * form): international form, `+` then the country code and number (ITU-T E.164: at most
 * 15 digits, no leading zero in the country code). Spaces, dashes, dots and brackets that
 * people type between groups are allowed and dropped. Shared with the credentials
 * service's `/callback` route (backend/credentials/server.ts), so the widget and the
 * receiver accept exactly the same numbers.
 */

/** What people put between digit groups: `+34 600-123 456`, `+1 (555) 010.0000`. */
const SEPARATORS = /[\s().-]/g;
const E164 = /^\+[1-9]\d{5,14}$/;

export type PhoneNumberResult = { ok: true; number: string } | { ok: false; message: string };

/** The number in canonical form (`+34600123456`), or why it is not one. */
export function parsePhoneNumber(value: unknown): PhoneNumberResult {
  if (typeof value !== 'string' || value.length > 40) {
    return { ok: false, message: 'a phone number must be text of at most 40 characters' };
  }
  const number = value.trim().replace(SEPARATORS, '');
  if (!E164.test(number)) {
    return {
      ok: false,
      message: `a phone number must start with + and the country code, then 6 to 15 digits in all (e.g. +34 600 123 456): got '${value}'`,
    };
  }
  return { ok: true, number };
}
