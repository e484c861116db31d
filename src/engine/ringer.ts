/**
 * What the phone plays while calls ring: one decision over all its calls, because the
 * ringtone, the call-waiting tone and the ringback are each one sound for the whole phone.
 */
import type { CallDirection, CallState } from './types';

export type RingerSound = 'ringtone' | 'call-waiting' | 'ringback';

export interface RingerCall {
  readonly direction: CallDirection;
  readonly state: CallState;
  /** Answer was pressed and the call is being set up: it no longer rings. */
  readonly answering: boolean;
}

const ringsHere = (call: RingerCall): boolean =>
  call.direction === 'incoming' && call.state === 'ringing' && !call.answering;

/**
 * The ringtone while a call rings here; the call-waiting tone instead when another call
 * is in progress (a full ring over a conversation would drown it); else the ringback
 * while a call we placed rings at the far end; else nothing.
 */
export function ringerSound(calls: readonly RingerCall[]): RingerSound | undefined {
  if (calls.some(ringsHere)) {
    const busy = calls.some((call) => !ringsHere(call) && call.state !== 'ended');
    return busy ? 'call-waiting' : 'ringtone';
  }
  if (calls.some((call) => call.direction === 'outgoing' && call.state === 'ringing')) {
    return 'ringback';
  }
  return undefined;
}
