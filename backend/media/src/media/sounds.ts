/** Prompts and music: 8 kHz mono WAV files, cut into 20 ms frames per codec on first use. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Codec, encode } from './g711.js';
import { readWav } from './wav.js';

export const SAMPLE_RATE = 8000;
export const FRAME_SAMPLES = 160;

export class Sound {
  private readonly encoded = new Map<Codec, Buffer[]>();

  constructor(
    readonly name: string,
    readonly samples: Int16Array,
  ) {}

  get durationMs(): number {
    return (this.samples.length / SAMPLE_RATE) * 1000;
  }

  frames(codec: Codec): Buffer[] {
    let frames = this.encoded.get(codec);
    if (!frames) {
      frames = [];
      for (let offset = 0; offset < this.samples.length; offset += FRAME_SAMPLES) {
        const chunk = new Int16Array(FRAME_SAMPLES);
        chunk.set(this.samples.subarray(offset, offset + FRAME_SAMPLES));
        frames.push(encode(codec, chunk));
      }
      this.encoded.set(codec, frames);
    }
    return frames;
  }
}

export class SoundLibrary {
  private readonly sounds = new Map<string, Sound>();

  constructor(readonly directory: string) {}

  /** Loads every named sound now so a missing or wrong file stops the server at start. */
  load(names: Iterable<string>): void {
    for (const name of names) {
      const path = join(this.directory, `${name}.wav`);
      if (!existsSync(path)) {
        throw new Error(`sound "${name}" not found at ${path} (run: node backend/media/build.mjs)`);
      }
      const audio = readWav(path);
      if (audio.sampleRate !== SAMPLE_RATE || audio.channels !== 1) {
        throw new Error(
          `sound ${path} must be 8000 Hz mono, is ${audio.sampleRate} Hz ${audio.channels} channels`,
        );
      }
      this.sounds.set(name, new Sound(name, audio.samples));
    }
  }

  get(name: string): Sound {
    const sound = this.sounds.get(name);
    if (!sound) throw new Error(`sound "${name}" was not loaded`);
    return sound;
  }
}
