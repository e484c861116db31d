/**
 * A new microphone for a call in progress: the audio sender gets the new track with
 * `RTCRtpSender.replaceTrack`, which needs no renegotiation (no re-INVITE) as long as the
 * codec stays the same (W3C WebRTC 1.0, §5.2 `replaceTrack`). While we hold, the sender has
 * no track on purpose (reinvite.ts): it is left so, and the resume sends the new one.
 */
import type { Logger } from './log';
import { audioTransceiver } from './reinvite';

/** Put `track` on the call's audio sender unless it is held (sending nothing). */
export async function sendNewMicrophone(
  pc: RTCPeerConnection,
  track: MediaStreamTrack | undefined,
  log: Logger,
): Promise<void> {
  const sender = audioTransceiver(pc)?.sender;
  if (!sender || sender.track === null || !track || sender.track === track) return;
  try {
    await sender.replaceTrack(track);
  } catch (error) {
    // The connection is closing, or the browser refused the track: the call keeps the old one.
    log.warn('could not send the new microphone', { error });
  }
}
