/** Microphone access, with failures turned into clear errors. */
import type { PhoneError } from './types';

export type MicrophoneResult = { ok: true; stream: MediaStream } | { ok: false; error: PhoneError };

const AUDIO_ONLY: MediaStreamConstraints = {
  audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
  video: false,
};

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

/** Ask for an audio-only microphone stream. */
export async function acquireMicrophone(): Promise<MicrophoneResult> {
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
    return { ok: true, stream: await navigator.mediaDevices.getUserMedia(AUDIO_ONLY) };
  } catch (error) {
    return { ok: false, error: microphoneError(error) };
  }
}

/** Release the microphone. */
export function stopStream(stream: MediaStream | undefined): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}
