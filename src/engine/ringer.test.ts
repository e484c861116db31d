import { describe, expect, it } from 'vitest';
import { type RingerCall, ringerSound } from './ringer';

const incoming = (state: RingerCall['state'], answering = false): RingerCall => ({
  direction: 'incoming',
  state,
  answering,
});
const outgoing = (state: RingerCall['state']): RingerCall => ({
  direction: 'outgoing',
  state,
  answering: false,
});

describe('ringerSound', () => {
  it('is silent without a ringing call', () => {
    expect(ringerSound([])).toBeUndefined();
    expect(ringerSound([incoming('active'), outgoing('on-hold')])).toBeUndefined();
  });

  it('rings for a call ringing here, until answer is pressed', () => {
    expect(ringerSound([incoming('ringing')])).toBe('ringtone');
    expect(ringerSound([incoming('ringing', true)])).toBeUndefined();
  });

  it('plays the call-waiting tone for a call ringing during another call', () => {
    expect(ringerSound([incoming('active'), incoming('ringing')])).toBe('call-waiting');
    expect(ringerSound([outgoing('on-hold'), incoming('ringing')])).toBe('call-waiting');
    // Placing a call counts: the agent is busy with it.
    expect(ringerSound([outgoing('connecting'), incoming('ringing')])).toBe('call-waiting');
    // A call being answered is a call in progress for the one still ringing.
    expect(ringerSound([incoming('ringing', true), incoming('ringing')])).toBe('call-waiting');
  });

  it('rings, not waits, for two calls ringing at once with none in progress', () => {
    expect(ringerSound([incoming('ringing'), incoming('ringing')])).toBe('ringtone');
  });

  it('plays the ringback while a call we placed rings, unless a call rings here', () => {
    expect(ringerSound([outgoing('ringing')])).toBe('ringback');
    expect(ringerSound([outgoing('early-media')])).toBeUndefined();
    expect(ringerSound([outgoing('ringing'), incoming('ringing')])).toBe('call-waiting');
  });
});
