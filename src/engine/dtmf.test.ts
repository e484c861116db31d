import { describe, expect, it } from 'vitest';
import { chooseDtmfMethod, DTMF_PAUSE_MS, parseDtmfSequence } from './dtmf';

describe('parseDtmfSequence', () => {
  it('parses digits, pauses and ignores spaces', () => {
    expect(parseDtmfSequence('1,,2#')).toEqual({
      ok: true,
      steps: [
        { tone: '1' },
        { pauseMs: DTMF_PAUSE_MS },
        { pauseMs: DTMF_PAUSE_MS },
        { tone: '2' },
        { tone: '#' },
      ],
    });
    expect(DTMF_PAUSE_MS).toBe(2000);
  });

  it('accepts every DTMF key, A-D in any case', () => {
    const result = parseDtmfSequence('0123456789*# abcdABCD');
    if (!result.ok) throw new Error(result.error.message);
    expect(result.steps.map((s) => ('tone' in s ? s.tone : ','))).toEqual([
      ...'0123456789*#ABCDABCD',
    ]);
  });

  it('gives an empty sequence for empty input', () => {
    expect(parseDtmfSequence('')).toEqual({ ok: true, steps: [] });
  });

  it.each([
    ['12x4', "'x' at position 3"],
    ['E', "'E' at position 1"],
    ['1;2', "';' at position 2"],
    ['٣', "'٣' at position 1"],
  ])('refuses %s, naming the character', (input, expected) => {
    const result = parseDtmfSequence(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('dtmf-failed');
    expect(result.error.message).toContain(expected);
  });

  it('refuses non-text input without throwing', () => {
    const result = parseDtmfSequence(42 as unknown as string);
    expect(result.ok).toBe(false);
  });
});

describe('chooseDtmfMethod', () => {
  const can = { canInsertDTMF: true };
  const cannot = { canInsertDTMF: false };
  it.each([
    ['auto', can, 'rfc4733'],
    ['auto', cannot, 'info'],
    ['auto', null, 'info'],
    ['rfc4733', can, 'rfc4733'],
    ['rfc4733', cannot, undefined],
    ['rfc4733', undefined, undefined],
    ['info', can, 'info'],
  ] as const)('%s with sender %o → %s', (mode, sender, expected) => {
    expect(chooseDtmfMethod(mode, sender)).toBe(expected);
  });
});
