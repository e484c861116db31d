/**
 * The phone's microphone, opening when the test says: each getUserMedia of the engine (it
 * always asks with audio constraints as an object, media.ts) waits for {@link
 * GatedMicrophone.open} or {@link GatedMicrophone.fail}. Streams are the browser's fake
 * microphone; other requests (the fake SBC's own far end asks `audio: true`) pass through.
 */
import { vi } from 'vitest';

export interface GatedMicrophone {
  /** How many microphone requests of the engine are waiting. */
  readonly waiting: number;
  /** The streams the requests opened so far, in order. */
  readonly opened: MediaStream[];
  /** The waiting requests open the microphone. */
  open(): void;
  /** The waiting requests fail as getUserMedia does, with a DOMException named `name`. */
  fail(name: string): void;
}

/** Install the gate (undone by `vi.restoreAllMocks()`). */
export function gateMicrophone(): GatedMicrophone {
  const devices = navigator.mediaDevices;
  const real = devices.getUserMedia.bind(devices);
  const gates: { release: (error?: DOMException) => void }[] = [];
  const opened: MediaStream[] = [];
  vi.spyOn(devices, 'getUserMedia').mockImplementation(async (constraints) => {
    if (typeof constraints?.audio !== 'object') return real(constraints);
    const refusal = await new Promise<DOMException | undefined>((resolve) => {
      gates.push({ release: resolve });
    });
    if (refusal) throw refusal;
    const stream = await real(constraints);
    opened.push(stream);
    return stream;
  });
  const release = (error?: DOMException) => {
    for (const gate of gates.splice(0)) gate.release(error);
  };
  return {
    get waiting() {
      return gates.length;
    },
    opened,
    open: () => release(),
    fail: (name) => release(new DOMException(`fake ${name}`, name)),
  };
}
