/** DTMF sequence parsing. Free of JsSIP so elements can validate input early. */
import type { PhoneError } from './types';

/** One step of a dial sequence: a tone to send, or a pause. */
export type DtmfStep = { tone: string } | { pauseMs: number };

export type DtmfParseResult = { ok: true; steps: DtmfStep[] } | { ok: false; error: PhoneError };

/** A `,` pauses this long, as on a phone dialer. */
export const DTMF_PAUSE_MS = 2000;

const TONE = /^[0-9A-D*#]$/;

/**
 * Parse a sequence such as `"1234#"` or `"1,,2#"`: digits 0-9, `*`, `#`, A-D (any case),
 * `,` for a 2 s pause, spaces ignored. Anything else is an error naming the character.
 */
export function parseDtmfSequence(sequence: string): DtmfParseResult {
  if (typeof sequence !== 'string') {
    return {
      ok: false,
      error: { code: 'dtmf-failed', message: 'DTMF sequence must be text' },
    };
  }
  const steps: DtmfStep[] = [];
  for (const [index, char] of [...sequence].entries()) {
    if (char === ' ') continue;
    if (char === ',') {
      steps.push({ pauseMs: DTMF_PAUSE_MS });
      continue;
    }
    const tone = char.toUpperCase();
    if (!TONE.test(tone)) {
      return {
        ok: false,
        error: {
          code: 'dtmf-failed',
          message: `'${char}' at position ${index + 1} is not a DTMF digit (use 0-9, *, #, A-D, or , to pause)`,
        },
      };
    }
    steps.push({ tone });
  }
  return { ok: true, steps };
}

/** How a tone actually goes out. */
export type DtmfMethod = 'rfc4733' | 'info';

/**
 * Pick the method for the next tone. `auto` prefers RFC 4733 (in the media, what IVRs
 * expect) and falls back to SIP INFO when the browser cannot insert tones right now
 * (no audio sender, e.g. while we hold, or `canInsertDTMF` false). `rfc4733` has no
 * fallback: undefined means it cannot be sent.
 */
export function chooseDtmfMethod(
  mode: 'auto' | 'rfc4733' | 'info',
  sender: Pick<RTCDTMFSender, 'canInsertDTMF'> | null | undefined,
): DtmfMethod | undefined {
  const canInsert = sender?.canInsertDTMF === true;
  if (mode === 'info') return 'info';
  if (canInsert) return 'rfc4733';
  return mode === 'auto' ? 'info' : undefined;
}
