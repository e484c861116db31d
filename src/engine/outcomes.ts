/**
 * How calls end and what goes wrong, as stable machine-readable codes: their own module so
 * that the public types of each part (engine types, preflight) can name them without
 * importing one another.
 */

/** Why a call ended. */
export type EndCause =
  | 'hangup-local'
  | 'hangup-remote'
  | 'canceled'
  | 'declined'
  | 'busy'
  | 'not-found'
  | 'unavailable'
  | 'no-answer'
  | 'forbidden'
  | 'microphone'
  | 'connection-lost'
  /**
   * The call's audio could not connect: its ICE failed without ever connecting (a network
   * that blocks the media relay's ports), so JsSIP ended the call. (ICE that connected and
   * then failed lost the call: `connection-lost`.)
   */
  | 'media-failed'
  | 'service-lost'
  /** We transferred the call and left it (see {@link CallHandle.transfer}). */
  | 'transferred'
  /**
   * A call transferred to us took this one's place: the colleague who consulted us here
   * handed us their caller (an attended transfer, RFC 3891 Replaces).
   */
  | 'replaced'
  | 'failed';

/** Stable machine-readable error codes; `message` carries the human text. */
export type ErrorCode =
  | 'config-invalid'
  | 'credentials-failed'
  | 'auth-rejected'
  | 'connection-failed'
  | 'microphone-denied'
  | 'microphone-missing'
  | 'call-failed'
  | 'call-busy'
  | 'dtmf-failed'
  | 'hold-failed'
  | 'transfer-failed'
  | 'participant-failed'
  | 'autoplay-blocked'
  | 'insecure-credentials'
  /** `setDevices` named a device there is not (nothing changed). */
  | 'device-invalid'
  /** Choosing an output is not supported in this browser (no `setSinkId`), or it failed. */
  | 'device-unsupported';
