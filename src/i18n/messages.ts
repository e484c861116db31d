import type { EndCause, ErrorCode, HoldState, RegistrationState } from '../engine/types.js';

/**
 * Every string the elements show. Each language must provide every key: the
 * `Record<…>` members make TypeScript reject a table that misses an engine state,
 * cause or error code.
 */
export interface Messages {
  registration: Record<RegistrationState, string>;
  endCause: Record<EndCause, string>;
  errorCode: Record<ErrorCode, string>;
  /** Hold description for the active-call view; `none` is unused but kept total. */
  hold: Record<HoldState, string>;
  buttonState: Record<'idle' | 'connecting' | 'ringing' | 'in-call' | 'ended' | 'error', string>;
  phone: string;
  callUs: string;
  target: string;
  targetPlaceholder: string;
  call: string;
  dialpad: string;
  /** Accessible key label: the digit plus its letters, e.g. "2 ABC". */
  key: (key: string, letters: string) => string;
  keyStar: string;
  keyHash: string;
  incomingCall: string;
  answer: string;
  decline: string;
  calling: (who: string) => string;
  ringing: string;
  earlyMedia: string;
  inCallWith: (who: string) => string;
  callDuration: string;
  mute: string;
  holdCall: string;
  resume: string;
  keypad: string;
  hangUp: string;
  callEnded: (cause: string) => string;
  enableSound: string;
  callControls: string;
}
