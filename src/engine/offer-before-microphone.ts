/**
 * The call's offer sent without waiting for the microphone (issue 16, "click → first audio,
 * hovered first").
 *
 * A hovered button's engine is connected before the click; after it only the microphone
 * (getUserMedia: tens of ms with a fake device, 100–300 ms with a real headset) stood
 * between the click and the INVITE. When the visitor already granted the microphone, the
 * offer goes out at once with an audio transceiver that is `sendrecv` but has no track yet,
 * and the microphone's track is put on its sender as soon as it opens (`replaceTrack`: no
 * renegotiation, W3C WebRTC 1.0 §5.2). The SDP is the one a track would have given: the
 * direction and codecs are the transceiver's, not the track's.
 *
 * Only with the permission `granted`: with `prompt` the browser asks at the click, and the
 * visitor who refuses must not have rung anyone; with `denied`, or without the Permissions
 * API, the microphone's own answer decides, as before. Still only the click opens the
 * microphone (early-microphone.ts): this changes what waits for it, not when it opens.
 */
import type { CallOptions } from 'jssip/lib/UA';
import { type MicrophoneResult, stopStream } from './media';

/** Is the microphone permission already granted? False when unknown (no API, or it threw). */
export async function microphonePermissionGranted(): Promise<boolean> {
  try {
    // 'microphone' is a Permissions API name in Chromium and Firefox; others throw.
    const status = await navigator.permissions?.query({ name: 'microphone' as PermissionName });
    return status?.state === 'granted';
  } catch {
    return false;
  }
}

/** The microphone of a call about to be placed: opened (or failed) already, or still opening. */
export type CallMicrophone = { opened: MicrophoneResult } | { opening: Promise<MicrophoneResult> };

/**
 * Waits for `ready` (the connection) and, unless the offer can go without it, for
 * `microphone`: it is left `opening` only when the connection is ready, the permission is
 * granted and the microphone has not answered yet. Otherwise (no connection, a permission
 * to ask, the microphone already there or failed) the microphone's answer is waited for,
 * as before.
 */
export async function alongsideMicrophone<T extends { ok: boolean }>(
  ready: Promise<T>,
  microphone: Promise<MicrophoneResult>,
): Promise<[T, CallMicrophone]> {
  let answered: MicrophoneResult | undefined;
  void microphone.then((result) => {
    answered = result;
  });
  // The microphone answering first makes the permission moot: a query that never answers
  // (a browser bug) must not hold the call.
  const granted = Promise.race([microphonePermissionGranted(), microphone.then(() => false)]);
  const [value, offerFirst] = await Promise.all([ready, granted]);
  if (value.ok && offerFirst && answered === undefined) return [value, { opening: microphone }];
  return [value, { opened: answered ?? (await microphone) }];
}

/** Release the microphone of a call that will not take it: now, or as soon as it opens. */
export function releaseMicrophone(microphone: CallMicrophone): void {
  const stop = (result: MicrophoneResult) => {
    if (result.ok) stopStream(result.stream);
  };
  if ('opened' in microphone) stop(microphone.opened);
  else void microphone.opening.then(stop);
}

/**
 * JsSIP's `ua.call` media options for an offer whose microphone comes later. JsSIP adds
 * the tracks of the `mediaStream` it is given and asks getUserMedia only without one
 * (RTCSession `_sendInitialRequest`); an empty stream makes it add none, and its
 * `peerconnection` event, emitted while `ua.call` runs and before the offer is created,
 * adds the audio transceiver the track will go on.
 */
export function offerWithoutTrack(): Pick<CallOptions, 'mediaStream' | 'eventHandlers'> {
  const stream = new MediaStream();
  return {
    mediaStream: stream,
    eventHandlers: {
      peerconnection: ({ peerconnection }) => {
        peerconnection.addTransceiver('audio', { direction: 'sendrecv', streams: [stream] });
      },
    },
  };
}
