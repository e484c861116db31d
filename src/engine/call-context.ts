/**
 * The seam between a call and its phone: everything a {@link Call} needs from outside,
 * so that the phone (phone.ts) is its only owner and a test can stand in for it.
 */
import type { SoundPlayer } from './audio';
import type { Call } from './call';
import type { ResolvedConfig } from './config';
import type { CallReport, PhoneError } from './types';

/** What a call needs from its phone. */
export interface CallContext {
  config: ResolvedConfig;
  sounds: SoundPlayer;
  /** The call is over: forget it. */
  onEnded(call: Call): void;
  /** An error worth reporting on the phone too (microphone). */
  onError(error: PhoneError): void;
  /** The end-of-call report, after the call's own `report` event. */
  onReport(report: CallReport): void;
  /** The WebSocket server the phone is connected to now. */
  serverUrl(): string | undefined;
  /** The region serving the connection now, when the server tells. */
  region(): string | undefined;
}
