/**
 * Hold semantics, free of JsSIP.
 *
 * Local hold is ours: we offer `a=sendonly` and only count as holding once the far end
 * accepted the re-INVITE (a failed re-INVITE leaves the call unheld).
 * Remote hold is the far end's offer: `sendonly` (it keeps sending, usually music) or
 * `inactive` (nothing flows). JsSIP reports both as a remote `hold` event; we look at
 * the offered direction to tell them apart.
 *
 * Hold-music rule: play our own music only when the far end holds us and sends no
 * audio: when it offered `inactive`, or when it offered `sendonly` but no inbound RTP
 * packet arrived for {@link SILENT_HOLD_AFTER_MS} (an endpoint that holds with
 * `sendonly` without playing anything). Never while the far end sends media.
 */
import { parse } from 'sdp-transform';
import type { HoldState } from './types';

/** SDP media direction. */
export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** Inbound silence after which a `sendonly` hold counts as "no music from the far end". */
export const SILENT_HOLD_AFTER_MS = 1500;

/** Combine our hold and the far end's hold into one {@link HoldState}. */
export function deriveHoldState(local: boolean, remote: boolean): HoldState {
  if (local && remote) return 'both';
  if (local) return 'local';
  if (remote) return 'remote';
  return 'none';
}

/**
 * Direction of the first audio stream of an SDP body (a media-level attribute wins over
 * a session-level one; none means `sendrecv`). A port of 0 disables the stream. Parsed
 * with sdp-transform, the parser JsSIP itself uses (so it costs the bundle nothing).
 */
export function audioDirection(sdp: string): MediaDirection {
  const session = parse(sdp);
  const audio = session.media.find((media) => media.type === 'audio');
  if (audio?.port === 0) return 'inactive';
  return audio?.direction ?? session.direction ?? 'sendrecv';
}

export interface HoldMusicInput {
  /** The far end holds us. */
  remoteHold: boolean;
  /** We hold the call too: nobody listens to it (another call has the line). */
  localHold: boolean;
  /** What the far end offered for audio. */
  offered: MediaDirection;
  /** Time since the last inbound RTP packet, ms (undefined when unknown). */
  inboundSilentMs: number | undefined;
}

/** Decide whether to play local hold music (see the module comment for the rule). */
export function shouldPlayHoldMusic(input: HoldMusicInput): boolean {
  if (!input.remoteHold || input.localHold) return false;
  if (input.offered === 'inactive' || input.offered === 'recvonly') return true;
  return input.inboundSilentMs !== undefined && input.inboundSilentMs > SILENT_HOLD_AFTER_MS;
}

/** The transceiver direction we want for our own side of the hold. */
export function localDirection(localHold: boolean): RTCRtpTransceiverDirection {
  return localHold ? 'sendonly' : 'sendrecv';
}
