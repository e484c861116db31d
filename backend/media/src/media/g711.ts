/** G.711 µ-law (PCMU) and A-law (PCMA) codecs, ITU-T G.711 segment encoding. */

export type Codec = 'PCMU' | 'PCMA';

const MULAW_BIAS = 0x84;
const MULAW_CLIP = 32635;

export function linearToMulaw(sample: number): number {
  let value = sample;
  const sign = value < 0 ? 0x80 : 0;
  if (sign) value = -value;
  if (value > MULAW_CLIP) value = MULAW_CLIP;
  value += MULAW_BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (value & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (value >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

export function mulawToLinear(byte: number): number {
  const value = ~byte & 0xff;
  const exponent = (value >> 4) & 0x07;
  const magnitude = ((((value & 0x0f) << 3) + MULAW_BIAS) << exponent) - MULAW_BIAS;
  return value & 0x80 ? -magnitude : magnitude;
}

export function linearToAlaw(sample: number): number {
  let value = sample >> 3;
  let sign = 0x80;
  if (value < 0) {
    sign = 0;
    value = -value - 1;
  }
  if (value > 0xfff) value = 0xfff;
  let exponent = 0;
  if (value >= 0x20) {
    exponent = 1;
    for (let v = value >> 5; v > 1 && exponent < 7; v >>= 1) exponent++;
  }
  const mantissa = exponent === 0 ? value >> 1 : (value >> exponent) & 0x0f;
  return (sign | (exponent << 4) | mantissa) ^ 0x55;
}

export function alawToLinear(byte: number): number {
  const value = byte ^ 0x55;
  const exponent = (value >> 4) & 0x07;
  const mantissa = value & 0x0f;
  let magnitude =
    exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  if (!(value & 0x80)) magnitude = -magnitude;
  return magnitude;
}

const DECODE_TABLES: Record<Codec, Int16Array> = {
  PCMU: Int16Array.from({ length: 256 }, (_, byte) => mulawToLinear(byte)),
  PCMA: Int16Array.from({ length: 256 }, (_, byte) => alawToLinear(byte)),
};

export function encode(codec: Codec, samples: Int16Array): Buffer {
  const out = Buffer.allocUnsafe(samples.length);
  const encodeOne = codec === 'PCMU' ? linearToMulaw : linearToAlaw;
  for (let i = 0; i < samples.length; i++) out[i] = encodeOne(samples[i]!);
  return out;
}

export function decode(codec: Codec, payload: Uint8Array): Int16Array {
  const table = DECODE_TABLES[codec];
  const out = new Int16Array(payload.length);
  for (let i = 0; i < payload.length; i++) out[i] = table[payload[i]!]!;
  return out;
}

export function transcode(from: Codec, to: Codec, payload: Buffer): Buffer {
  return from === to ? payload : encode(to, decode(from, payload));
}

export const SILENCE_BYTE: Record<Codec, number> = { PCMU: 0xff, PCMA: 0xd5 };
