import { describe, expect, it } from 'vitest';
import { type Codec, decode, encode } from '../../src/media/g711.js';
import { Mixer } from '../../src/media/mixer.js';

const SAMPLES = 160;

/** A 20 ms frame of one constant sample value, in `codec`. */
function frame(value: number, codec: Codec = 'PCMU'): Buffer {
  return encode(codec, new Int16Array(SAMPLES).fill(value));
}

/** The first sample of a frame as a listener decodes it. */
function level(payload: Buffer | undefined, codec: Codec = 'PCMU'): number | undefined {
  return payload === undefined ? undefined : decode(codec, payload)[0];
}

describe('Mixer', () => {
  it('gives each member the sum of the others, never its own audio', () => {
    const mixer = new Mixer();
    for (const id of ['visitor', 'agent7', 'agent8']) mixer.join(id);
    mixer.hear('visitor', frame(1000), 'PCMU');
    mixer.hear('agent7', frame(2000), 'PCMU');
    mixer.hear('agent8', frame(4000), 'PCMU');

    // G.711 is lossy: compare with what the codec makes of the exact sums.
    const pcmu = (value: number) => level(frame(value));
    expect(level(mixer.frameFor('visitor', 'PCMU'))).toBe(pcmu(pcmu(2000)! + pcmu(4000)!));
    expect(level(mixer.frameFor('agent7', 'PCMU'))).toBe(pcmu(pcmu(1000)! + pcmu(4000)!));
    expect(level(mixer.frameFor('agent8', 'PCMU'))).toBe(pcmu(pcmu(1000)! + pcmu(2000)!));
    // Each queued frame is heard once: nothing is left for the next 20 ms.
    expect(mixer.frameFor('visitor', 'PCMU')).toBeUndefined();
  });

  it('encodes each member in its own codec (PCMU in, PCMA out)', () => {
    const mixer = new Mixer();
    mixer.join('a');
    mixer.join('b');
    mixer.hear('a', frame(3000, 'PCMU'), 'PCMU');
    const out = mixer.frameFor('b', 'PCMA');
    const expected = level(frame(level(frame(3000, 'PCMU'))!, 'PCMA'), 'PCMA');
    expect(level(out, 'PCMA')).toBe(expected);
  });

  it('clips the sum to 16 bits instead of wrapping around', () => {
    const mixer = new Mixer();
    for (const id of ['a', 'b', 'c']) mixer.join(id);
    mixer.hear('a', frame(30000), 'PCMU');
    mixer.hear('b', frame(30000), 'PCMU');
    expect(level(mixer.frameFor('c', 'PCMU'))).toBeGreaterThan(30000);
    mixer.hear('a', frame(-30000), 'PCMU');
    mixer.hear('b', frame(-30000), 'PCMU');
    expect(level(mixer.frameFor('c', 'PCMU'))).toBeLessThan(-30000);
  });

  it('a listen-only member hears everyone and is heard by nobody', () => {
    const mixer = new Mixer();
    mixer.join('visitor');
    mixer.join('agent7');
    mixer.join('supervisor', true);
    mixer.hear('supervisor', frame(8000), 'PCMU');
    mixer.hear('supervisor', frame(8000), 'PCMU');
    expect(mixer.frameFor('visitor', 'PCMU')).toBeUndefined();
    expect(mixer.frameFor('agent7', 'PCMU')).toBeUndefined();

    mixer.hear('visitor', frame(1000), 'PCMU');
    mixer.hear('agent7', frame(2000), 'PCMU');
    expect(level(mixer.frameFor('supervisor', 'PCMU'))).toBe(
      level(frame(level(frame(1000))! + level(frame(2000))!)),
    );
    expect(level(mixer.frameFor('visitor', 'PCMU'))).toBe(level(frame(2000)));
    expect(mixer.counts('supervisor')).toEqual({
      heard: { visitor: 1, agent7: 1 },
      mixedIn: 0,
      discarded: 2,
    });
    expect(mixer.counts('visitor')?.heard).toEqual({ agent7: 1 });
    expect(mixer.counts('visitor')?.mixedIn).toBe(1);
  });

  it('keeps at most 100 ms per talker: a member that stops reading does not build latency', () => {
    const mixer = new Mixer();
    mixer.join('a');
    mixer.join('b');
    for (let i = 1; i <= 8; i++) mixer.hear('a', frame(i * 1000), 'PCMU');
    const heard: (number | undefined)[] = [];
    for (let i = 0; i < 6; i++) heard.push(level(mixer.frameFor('b', 'PCMU')));
    expect(heard).toEqual(
      [4000, 5000, 6000, 7000, 8000, undefined].map((v) => v && level(frame(v))),
    );
  });

  it('forgets a member that leaves: its queued audio is not heard, its counts are returned', () => {
    const mixer = new Mixer();
    for (const id of ['a', 'b', 'c']) mixer.join(id);
    mixer.hear('a', frame(1000), 'PCMU');
    mixer.hear('c', frame(2000), 'PCMU');
    expect(mixer.leave('c')).toEqual({ heard: {}, mixedIn: 0, discarded: 0 });
    expect(level(mixer.frameFor('b', 'PCMU'))).toBe(level(frame(1000)));
    expect(mixer.has('c')).toBe(false);
    expect(mixer.size).toBe(2);
    // Unknown members: nothing happens, nothing is returned.
    mixer.hear('c', frame(1000), 'PCMU');
    expect(mixer.frameFor('c', 'PCMU')).toBeUndefined();
    expect(mixer.leave('c')).toBeUndefined();
  });

  it('a member alone hears nothing and its audio is counted as discarded', () => {
    const mixer = new Mixer();
    mixer.join('a');
    mixer.hear('a', frame(1000), 'PCMU');
    expect(mixer.frameFor('a', 'PCMU')).toBeUndefined();
    expect(mixer.counts('a')).toEqual({ heard: {}, mixedIn: 0, discarded: 1 });
  });
});
