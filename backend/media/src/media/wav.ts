/** WAV (RIFF PCM 16-bit) reading and streaming writing. */
import {
  closeSync,
  fstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

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

/** How often the header's sizes catch up with the data while recording. */
export const HEADER_UPDATE_MS = 1000;
const HEADER_BYTES = 44;

/**
 * Appends samples as they come. The RIFF and data sizes in the header are rewritten every
 * HEADER_UPDATE_MS and on close, so a server killed mid-call leaves a valid WAV missing at
 * most that last stretch (and repairRecordings() restores even that at the next start).
 * The file is created exclusively: an existing file is never overwritten.
 */
export class WavWriter {
  private readonly fd: number;
  private dataBytes = 0;
  private headerWrittenAt: number;
  private closed = false;

  constructor(
    readonly path: string,
    private readonly sampleRate: number,
    private readonly channels: number,
    private readonly now: () => number = Date.now,
  ) {
    this.fd = openSync(path, 'wx', 0o640);
    writeSync(this.fd, header(sampleRate, channels, 0));
    this.headerWrittenAt = now();
  }

  write(interleaved: Int16Array): void {
    if (this.closed) return;
    const bytes = Buffer.from(interleaved.buffer, interleaved.byteOffset, interleaved.byteLength);
    writeSync(this.fd, bytes);
    this.dataBytes += bytes.length;
    if (this.now() - this.headerWrittenAt >= HEADER_UPDATE_MS) this.writeHeader();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.writeHeader();
    closeSync(this.fd);
  }

  private writeHeader(): void {
    writeSync(this.fd, header(this.sampleRate, this.channels, this.dataBytes), 0, HEADER_BYTES, 0);
    this.headerWrittenAt = this.now();
  }
}

/**
 * Makes the header of a WAV this server wrote agree with the file's length (whole sample
 * frames only). Returns the data size now declared, or undefined when the file is not one
 * of ours (other layouts are left alone).
 */
export function repairWav(path: string): { before: number; after: number } | undefined {
  const fd = openSync(path, 'r+');
  try {
    const head = Buffer.alloc(HEADER_BYTES);
    if (readSync(fd, head, 0, HEADER_BYTES, 0) < HEADER_BYTES) return undefined;
    if (
      head.toString('ascii', 0, 4) !== 'RIFF' ||
      head.toString('ascii', 8, 16) !== 'WAVEfmt ' ||
      head.readUInt32LE(16) !== 16 ||
      head.toString('ascii', 36, 40) !== 'data'
    ) {
      return undefined;
    }
    const blockAlign = head.readUInt16LE(32) || 1;
    const available = fstatSync(fd).size - HEADER_BYTES;
    const after = available - (available % blockAlign);
    const before = head.readUInt32LE(40);
    if (before === after && head.readUInt32LE(4) === 36 + after) return { before, after };
    const fixed = header(head.readUInt32LE(24), head.readUInt16LE(22), after);
    writeSync(fd, fixed, 0, HEADER_BYTES, 0);
    return { before, after };
  } finally {
    closeSync(fd);
  }
}

/** Repairs every recording in `dir` whose header lags its data; returns what changed. */
export function repairRecordings(dir: string): { file: string; before: number; after: number }[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const repaired: { file: string; before: number; after: number }[] = [];
  for (const file of names) {
    if (!file.endsWith('.wav')) continue;
    try {
      const result = repairWav(join(dir, file));
      if (result && result.before !== result.after) repaired.push({ file, ...result });
    } catch {
      // Unreadable or vanished: not ours to fix.
    }
  }
  return repaired;
}
