/**
 * The seam between a call and its phone: everything a {@link Call} needs from outside,
 * so that the phone (phone.ts) is its only owner and a test can stand in for it.
 */
import type { SoundPlayer } from './audio';
import type { ResolvedConfig } from './config';
import type { Logger } from './log';
import type { CallReport, PhoneError } from './types';

/**
 * What a call needs from its phone. `TCall` is the call itself (call.ts uses
 * `CallContext<Call>`): a parameter rather than an import, so this seam does not import the
 * module that imports it.
 */
export interface CallContext<TCall> {
  config: ResolvedConfig;
  sounds: SoundPlayer;
  /** The call is over: forget it. */
  onEnded(call: TCall): void;
  /** The call's state changed, or answer was pressed: what rings may change (ringer.ts). */
  onChange(call: TCall): void;
  /**
   * Hold every other answered call, before `call` takes the line (answered, placed or
   * resumed); resolves once their holds settled, whatever the outcome.
   */
  holdOthers(call: TCall): Promise<void>;
  /**
   * A call transferred to us takes `call`'s place (Replaces): `accept` starts it, and the
   * phone answers it without ringing.
   */
  replace(call: TCall, accept: () => void): void;
  /** An error worth reporting on the phone too (microphone). */
  onError(error: PhoneError): void;
  /** The end-of-call report, after the call's own `report` event. */
  onReport(report: CallReport): void;
  /** The WebSocket server the phone is connected to now. */
  serverUrl(): string | undefined;
  /** The region serving the connection now, when the server tells. */
  region(): string | undefined;
  /** The phone's log. */
  log: Logger;
  /** The chosen microphone (undefined: the default), for getUserMedia (phone-devices.ts). */
  microphoneId(): string | undefined;
  /** The STUN/TURN servers for a new peer connection: configured plus minted (ice-servers.ts). */
  iceServers(): RTCIceServer[];
}
