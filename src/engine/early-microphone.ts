/**
 * The microphone asked for at the visitor's click, while the engine is still loading
 * (issue 16, "click → first audio, clicked at once").
 *
 * A call button loads the engine on intent; a visitor who clicks at once waits for it, and
 * only then did the call open the microphone (a real one takes tens to hundreds of ms to
 * start). The element asks for it at the click instead, beside the engine download, and the
 * call takes that request under way. It is the click, not a hover, that asks: opening the
 * microphone lights the browser's recording indicator, which a visitor who only moved the
 * pointer across the button must not see. The permission prompt, when there is one, comes
 * at the same click as before.
 */
import { KeptForTaker } from './kept-for-taker';
import { acquireMicrophone, type MicrophoneResult, stopStream } from './media';

/**
 * How long a microphone asked for early waits for its call (the engine download, on a slow
 * network); then it is released, and the call asks again.
 */
export const EARLY_MICROPHONE_KEPT_MS = 10_000;

function release(result: Promise<MicrophoneResult>): void {
  void result.then((microphone) => {
    if (microphone.ok) stopStream(microphone.stream);
  });
}

/** One microphone at most: the default one, for the next call. */
const DEFAULT = 'default';
const early = new KeptForTaker<typeof DEFAULT, Promise<MicrophoneResult>>(
  EARLY_MICROPHONE_KEPT_MS,
  release,
);

/** Ask for the default microphone now, for the call about to be placed. */
export function requestMicrophoneEarly(): void {
  if (early.has(DEFAULT)) return;
  early.keep(DEFAULT, acquireMicrophone(undefined));
}

/** Release a microphone asked for early that no call took (the call will not happen). */
export function dropEarlyMicrophone(): void {
  early.drop(DEFAULT);
}

/**
 * The microphone for a new call: the one asked for early when the call wants the default
 * device, else a new request (releasing the early one).
 */
export function takeMicrophone(deviceId: string | undefined): Promise<MicrophoneResult> {
  const taken = early.take(DEFAULT);
  if (!taken) return acquireMicrophone(deviceId);
  if (deviceId === undefined) return taken;
  release(taken);
  return acquireMicrophone(deviceId);
}
