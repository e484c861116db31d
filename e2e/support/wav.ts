/** Minimal WAV reading and analysis for recordings: PCM 16-bit, µ-law or A-law, mono or more. */

export interface Pcm {
  sampleRate: number;
  /** First channel, normalised to -1..1. */
  samples: Float32Array;
}

function decodeMuLaw(byte: number): number {
  const u = ~byte & 0xff;
  const t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
  return (u & 0x80 ? 0x84 - t : t - 0x84) / 32768;
}

function decodeALaw(byte: number): number {
  const a = byte ^ 0x55;
  let t = (a & 0x0f) << 4;
  const segment = (a & 0x70) >> 4;
  t = segment === 0 ? t + 8 : segment === 1 ? t + 0x108 : (t + 0x108) << (segment - 1);
  return (a & 0x80 ? t : -t) / 32768;
}

export function parseWav(buffer: Buffer): Pcm {
  if (buffer.toString('ascii', 0, 4) !== 'RIFF' || buffer.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('not a WAV file');
  }
  let offset = 12;
  let format = 0;
  let channels = 1;
  let sampleRate = 8000;
  let bits = 16;
  while (offset + 8 <= buffer.length) {
    const id = buffer.toString('ascii', offset, offset + 4);
    const size = buffer.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      format = buffer.readUInt16LE(body);
      channels = buffer.readUInt16LE(body + 2);
      sampleRate = buffer.readUInt32LE(body + 4);
      bits = buffer.readUInt16LE(body + 14);
    } else if (id === 'data') {
      const end = Math.min(buffer.length, body + size);
      const bytesPerSample = bits / 8;
      const frames = Math.floor((end - body) / (bytesPerSample * channels));
      const samples = new Float32Array(frames);
      for (let i = 0; i < frames; i++) {
        const at = body + i * bytesPerSample * channels;
        if (format === 1 && bits === 16) samples[i] = buffer.readInt16LE(at) / 32768;
        else if (format === 7) samples[i] = decodeMuLaw(buffer[at]!);
        else if (format === 6) samples[i] = decodeALaw(buffer[at]!);
        else throw new Error(`unsupported WAV format ${format}/${bits} bits`);
      }
      return { sampleRate, samples };
    }
    offset = body + size + (size % 2);
  }
  throw new Error('WAV without data chunk');
}

export function rms(samples: Float32Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return samples.length ? Math.sqrt(sum / samples.length) : 0;
}

function goertzelPower(samples: Float32Array, from: number, to: number, coefficient: number) {
  let s1 = 0;
  let s2 = 0;
  for (let i = from; i < to; i++) {
    const s0 = samples[i]! + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - coefficient * s1 * s2;
}

/**
 * Share of the signal's power at `frequency` (0..1): Goertzel over 20 ms blocks, so phase
 * drift through a codec does not matter. A pure tone gives ≈ 1, speech or noise ≈ 0.
 */
export function toneShare({ samples, sampleRate }: Pcm, frequency: number): number {
  const block = Math.round(sampleRate / 50);
  const coefficient = 2 * Math.cos((2 * Math.PI * frequency) / sampleRate);
  let tone = 0;
  let total = 0;
  for (let from = 0; from + block <= samples.length; from += block) {
    tone += (2 * goertzelPower(samples, from, from + block, coefficient)) / block;
    for (let i = from; i < from + block; i++) total += samples[i]! * samples[i]!;
  }
  return total > 0 ? tone / total : 0;
}
