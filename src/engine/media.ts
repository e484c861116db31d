/** Microphone access, with failures turned into clear errors. */
import type { PhoneError } from './types';

export type MicrophoneResult = { ok: true; stream: MediaStream } | { ok: false; error: PhoneError };

const VOICE: MediaTrackConstraints = {
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
};

/** Audio-only constraints, for the chosen microphone when there is one. */
function constraints(deviceId: string | undefined): MediaStreamConstraints {
  return {
    audio: deviceId === undefined ? VOICE : { ...VOICE, deviceId: { exact: deviceId } },
    video: false,
  };
}

/** The chosen device is gone (unplugged since it was listed): the default will do. */
function deviceGone(error: unknown): boolean {
  const name = error instanceof DOMException ? error.name : '';
  return name === 'OverconstrainedError' || name === 'NotFoundError';
}

/** Describe a getUserMedia failure as `microphone-denied` or `microphone-missing`. */
export function microphoneError(error: unknown): PhoneError {
  const name = error instanceof DOMException ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') {
    return {
      code: 'microphone-denied',
      message: 'Microphone access was denied. Allow the microphone for this site to call.',
      cause: error,
    };
  }
  if (name === 'NotReadableError' || name === 'AbortError') {
    return {
      code: 'microphone-missing',
      message: 'The microphone is in use by another application or is not working.',
      cause: error,
    };
  }
  return {
    code: 'microphone-missing',
    message: 'No microphone was found. Connect one to call.',
    cause: error,
  };
}

/**
 * Ask for an audio-only microphone stream: from `deviceId` (media-devices.ts) when given,
 * falling back to the default microphone if that device is gone.
 */
export async function acquireMicrophone(deviceId?: string): Promise<MicrophoneResult> {
  if (!navigator.mediaDevices?.getUserMedia) {
    return {
      ok: false,
      error: {
        code: 'microphone-denied',
        message: 'This page cannot use the microphone (it needs https).',
      },
    };
  }
  try {
    return { ok: true, stream: await navigator.mediaDevices.getUserMedia(constraints(deviceId)) };
  } catch (error) {
    if (deviceId !== undefined && deviceGone(error)) return acquireMicrophone(undefined);
    return { ok: false, error: microphoneError(error) };
  }
}

/** Release the microphone. */
export function stopStream(stream: MediaStream | undefined): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}
