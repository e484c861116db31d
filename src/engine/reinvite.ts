/**
 * Our own hold/unhold re-INVITE. JsSIP's `hold()` marks the call held before the far end
 * answers and terminates the call when the re-INVITE fails; we want the opposite: the
 * call counts as held only once the far end accepted, and a refused re-INVITE leaves
 * the call as it was (the local offer is rolled back).
 *
 * The direction lives on the audio transceiver (`sendonly` while we hold), so every later
 * offer or answer the browser creates, including JsSIP's answers to the far end's
 * re-INVITEs, keeps our hold. While we hold, the sender carries no track: the far end
 * hears nothing even before it answers.
 */
import type { RTCSession } from 'jssip/lib/RTCSession';
import type { IncomingResponse } from 'jssip/lib/SIPMessage';
import { localDirection } from './hold';
import { type InDialogSession, inDialog } from './jssip-dialog';
import type { Logger } from './log';

export type ReinviteResult =
  | { ok: true }
  | { ok: false; reason: string; statusCode?: number; dialogGone?: boolean };

/** The call's audio transceiver (also where microphone-swap.ts puts a new track). */
export function audioTransceiver(pc: RTCPeerConnection): RTCRtpTransceiver | undefined {
  return pc
    .getTransceivers()
    .find((t) => t.receiver.track.kind === 'audio' && t.direction !== 'stopped');
}

function sendOffer(session: InDialogSession, sdp: string, pc: RTCPeerConnection) {
  return new Promise<ReinviteResult>((resolve) => {
    let answered = false;
    session.sendRequest('INVITE', {
      extraHeaders: [`Contact: ${session.contact}`, 'Content-Type: application/sdp'],
      body: sdp,
      eventHandlers: {
        onSuccessResponse: (response: IncomingResponse) => {
          // Every 2xx, retransmissions included, needs its ACK.
          session.sendRequest('ACK');
          if (answered) return;
          answered = true;
          if (!response.body) {
            resolve({ ok: false, reason: 'the answer had no SDP' });
            return;
          }
          pc.setRemoteDescription({ type: 'answer', sdp: response.body }).then(
            () => resolve({ ok: true }),
            (error: unknown) => resolve({ ok: false, reason: `unusable answer: ${String(error)}` }),
          );
        },
        onErrorResponse: (response: IncomingResponse) =>
          resolve({
            ok: false,
            reason: `the far end answered ${response.status_code} ${response.reason_phrase}`,
            statusCode: response.status_code,
          }),
        onTransportError: () => resolve({ ok: false, reason: 'the connection was lost' }),
        onRequestTimeout: () => resolve({ ok: false, reason: 'the far end did not answer' }),
        onDialogError: () =>
          resolve({ ok: false, reason: 'the far end no longer knows this call', dialogGone: true }),
      },
    });
  });
}

/**
 * Offer `sendonly` (hold) or `sendrecv` (unhold) and wait for the far end's answer.
 * `track` is the microphone track to send when not holding.
 */
export async function sendHoldReinvite(
  session: RTCSession,
  hold: boolean,
  track: MediaStreamTrack | undefined,
  log: Logger,
): Promise<ReinviteResult> {
  const pc = session.connection;
  if (!pc || !session.isReadyToReOffer()) {
    return { ok: false, reason: 'another negotiation is in progress' };
  }
  const transceiver = audioTransceiver(pc);
  if (!transceiver) return { ok: false, reason: 'the call has no audio stream' };
  const previous = transceiver.direction;
  const previousTrack = transceiver.sender.track;
  try {
    transceiver.direction = localDirection(hold);
    if (hold) await transceiver.sender.replaceTrack(null);
    await pc.setLocalDescription(await pc.createOffer());
    const result = await sendOffer(inDialog(session), pc.localDescription?.sdp ?? '', pc);
    if (result.ok) {
      if (!hold) await transceiver.sender.replaceTrack(track ?? null);
      return result;
    }
    await restore(pc, transceiver, previous, previousTrack, log);
    return result;
  } catch (error) {
    await restore(pc, transceiver, previous, previousTrack, log);
    return { ok: false, reason: String(error) };
  }
}

async function restore(
  pc: RTCPeerConnection,
  transceiver: RTCRtpTransceiver,
  direction: RTCRtpTransceiverDirection,
  track: MediaStreamTrack | null,
  log: Logger,
): Promise<void> {
  try {
    if (pc.signalingState === 'have-local-offer') {
      await pc.setLocalDescription({ type: 'rollback' });
    }
    transceiver.direction = direction;
    await transceiver.sender.replaceTrack(track);
  } catch (error) {
    // The connection is closing; nothing is left to restore.
    log.warn('could not restore media after a failed re-INVITE', { error });
  }
}
