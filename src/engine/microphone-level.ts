/**
 * The device menu's microphone level: a stream of its own from the chosen microphone,
 * measured with Web Audio while the menu is open, and released (the browser's recording
 * indicator goes off) when it closes.
 */
import { acquireMicrophone, stopStream } from './media';
import type { PhoneError } from './types';

/** How often the level is measured, ms: smooth enough for a meter, cheap for the page. */
const LEVEL_INTERVAL_MS = 100;

export type LevelWatch = { ok: true; stop: () => void } | { ok: false; error: PhoneError };

/**
 * Calls `onLevel` with the microphone's level (RMS of the last 2048 samples, 0 to 1)
 * every {@link LEVEL_INTERVAL_MS} until `stop()`.
 */
export async function watchMicrophoneLevel(
  deviceId: string | undefined,
  onLevel: (level: number) => void,
): Promise<LevelWatch> {
  const microphone = await acquireMicrophone(deviceId);
  if (!microphone.ok) return microphone;
  const stream = microphone.stream;
  let context: AudioContext;
  try {
    context = new AudioContext();
  } catch (cause) {
    stopStream(stream);
    return {
      ok: false,
      error: {
        code: 'microphone-missing',
        message: `Cannot measure the microphone: ${String(cause)}`,
        cause,
      },
    };
  }
  const analyser = context.createAnalyser();
  analyser.fftSize = 2048;
  context.createMediaStreamSource(stream).connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  const timer = setInterval(() => {
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const sample of samples) sum += sample * sample;
    onLevel(Math.min(1, Math.sqrt(sum / samples.length)));
  }, LEVEL_INTERVAL_MS);
  let stopped = false;
  return {
    ok: true,
    stop: () => {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      stopStream(stream);
      void context.close().catch(() => undefined);
    },
  };
}
