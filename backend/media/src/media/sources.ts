/** What a stream sends each 20 ms: prompts, looping music, silence, or relayed audio. */
import { type Codec, SILENCE_BYTE, transcode } from './g711.js';
import type { Sound } from './sounds.js';

export interface FrameSource {
  /** The next 20 ms payload in `codec`, or undefined to send nothing this frame. */
  nextFrame(codec: Codec): Buffer | undefined;
}

const silenceFrames: Record<Codec, Buffer> = {
  PCMU: Buffer.alloc(160, SILENCE_BYTE.PCMU),
  PCMA: Buffer.alloc(160, SILENCE_BYTE.PCMA),
};

/** Silence keeps the stream (and NAT/rtpengine bindings) alive while nothing is said. */
export const silence: FrameSource = { nextFrame: (codec) => silenceFrames[codec] };

/** Plays a sequence of sounds once, then silence, and reports when it is done. */
export class PromptPlayer implements FrameSource {
  private index = 0;
  private frame = 0;
  private finished = false;

  constructor(
    private readonly sounds: Sound[],
    private readonly onDone: () => void = () => {},
  ) {}

  nextFrame(codec: Codec): Buffer | undefined {
    while (this.index < this.sounds.length) {
      const frames = this.sounds[this.index]!.frames(codec);
      if (this.frame < frames.length) return frames[this.frame++];
      this.index++;
      this.frame = 0;
    }
    if (!this.finished) {
      this.finished = true;
      this.onDone();
    }
    return silenceFrames[codec];
  }
}

export class LoopPlayer implements FrameSource {
  private frame = 0;

  constructor(private readonly sound: Sound) {}

  nextFrame(codec: Codec): Buffer | undefined {
    const frames = this.sound.frames(codec);
    if (frames.length === 0) return silenceFrames[codec];
    const payload = frames[this.frame % frames.length];
    this.frame++;
    return payload;
  }
}

/**
 * Received audio waiting to be sent out again (echo, bridge). A few frames absorb
 * arrival jitter; beyond that the oldest are dropped so latency stays bounded.
 */
export class FrameQueue implements FrameSource {
  private readonly frames: { payload: Buffer; codec: Codec }[] = [];

  constructor(private readonly maxFrames = 5) {}

  push(payload: Buffer, codec: Codec): void {
    this.frames.push({ payload, codec });
    while (this.frames.length > this.maxFrames) this.frames.shift();
  }

  nextFrame(codec: Codec): Buffer | undefined {
    const next = this.frames.shift();
    return next ? transcode(next.codec, codec, next.payload) : undefined;
  }

  clear(): void {
    this.frames.length = 0;
  }
}
