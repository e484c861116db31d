/** WAV (RIFF PCM 16-bit) reading and streaming writing. */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';

export interface PcmAudio {
  sampleRate: number;
  channels: number;
  /** Interleaved 16-bit samples. */
  samples: Int16Array;
}

export class WavFormatError extends Error {
  override name = 'WavFormatError';
}

export function parseWav(data: Buffer): PcmAudio {
  if (
    data.length < 12 ||
    data.toString('ascii', 0, 4) !== 'RIFF' ||
    data.toString('ascii', 8, 12) !== 'WAVE'
  ) {
    throw new WavFormatError('not a RIFF/WAVE file');
  }
  let offset = 12;
  let format: { channels: number; sampleRate: number; bits: number; tag: number } | undefined;
  while (offset + 8 <= data.length) {
    const id = data.toString('ascii', offset, offset + 4);
    const size = data.readUInt32LE(offset + 4);
    const start = offset + 8;
    if (id === 'fmt ') {
      format = {
        tag: data.readUInt16LE(start),
        channels: data.readUInt16LE(start + 2),
        sampleRate: data.readUInt32LE(start + 4),
        bits: data.readUInt16LE(start + 14),
      };
    } else if (id === 'data') {
      if (!format) throw new WavFormatError('data chunk before fmt chunk');
      if (format.tag !== 1 || format.bits !== 16) {
        throw new WavFormatError(
          `only 16-bit PCM is supported (format ${format.tag}, ${format.bits} bits)`,
        );
      }
      const end = Math.min(start + size, data.length);
      const samples = new Int16Array((end - start) >> 1);
      for (let i = 0; i < samples.length; i++) samples[i] = data.readInt16LE(start + i * 2);
      return { sampleRate: format.sampleRate, channels: format.channels, samples };
    }
    offset = start + size + (size & 1);
  }
  throw new WavFormatError('no data chunk');
}

export function readWav(path: string): PcmAudio {
  return parseWav(readFileSync(path));
}

function header(sampleRate: number, channels: number, dataBytes: number): Buffer {
  const out = Buffer.alloc(44);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write('WAVE', 8, 'ascii');
  out.write('fmt ', 12, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(channels, 22);
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * channels * 2, 28);
  out.writeUInt16LE(channels * 2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(dataBytes, 40);
  return out;
}

/** Appends samples as they come and fixes the sizes in the header on close. */
export class WavWriter {
  private readonly fd: number;
  private dataBytes = 0;
  private closed = false;

  constructor(
    readonly path: string,
    private readonly sampleRate: number,
    private readonly channels: number,
  ) {
    this.fd = openSync(path, 'w');
    writeSync(this.fd, header(sampleRate, channels, 0));
  }

  write(interleaved: Int16Array): void {
    if (this.closed) return;
    const bytes = Buffer.from(interleaved.buffer, interleaved.byteOffset, interleaved.byteLength);
    writeSync(this.fd, bytes);
    this.dataBytes += bytes.length;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    writeSync(this.fd, header(this.sampleRate, this.channels, this.dataBytes), 0, 44, 0);
    closeSync(this.fd);
  }
}
